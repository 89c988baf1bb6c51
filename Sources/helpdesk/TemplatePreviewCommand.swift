import ArgumentParser
import Foundation
import Gateway
import HelpdeskCore

extension Templates {
    /// `helpdesk templates preview EVENT`: the mail exactly as it would be sent.
    struct Preview: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "preview",
            abstract: "Render one event's mail as it would be sent, from a real ticket or from sample values.",
            discussion: "Without --ticket, sample values are used. The signed reply address agents' mail carries is left out, so a preview file holds no working credential.")

        /// What to print of the mail.
        enum Format: String, ExpressibleByArgument, CaseIterable {
            /// The whole message, for a mail client.
            case eml
            /// The header fields and the text part.
            case text
            /// The HTML part.
            case html
        }

        @OptionGroup var options: GlobalOptions
        @Argument(help: "The event: \(MailEvent.allCases.map(\.rawValue).joined(separator: ", ")).")
        var event: MailEvent
        @Option(help: "Render it about this ticket, as its people would get it now.")
        var ticket: String?
        @Flag(help: "Render it from sample values (the default without --ticket).")
        var sample = false
        @Option(help: "The mailbox it leaves from (default: the ticket's, or the first configured).")
        var mailbox: String?
        @Option(help: "With sample values: the reader's language, e.g. de or pt-BR.")
        var language: String?
        @Option(name: .customLong("as"), help: "What to print: eml (the whole message), text (header fields and text part) or html.")
        var format: Format = .text
        @Option(name: [.customShort("o"), .customLong("output")], help: "Write to this file instead of standard output.")
        var output: String?

        func validate() throws {
            if ticket != nil && sample { throw ValidationError("give either --ticket KEY or --sample, not both") }
            if ticket != nil && language != nil { throw ValidationError("--language is for sample values; a ticket's mail uses its requester's language") }
        }

        func run() throws {
            let store = try ticket.map { _ in try options.openDatabase() }
            let preview: MailPreview
            do {
                preview = try MailPreview.render(
                    event, source: ticket.map { .ticket($0) } ?? .sample(language: language), mailbox: mailbox, settings: options.settings, store: store)
            } catch let error as PreviewError {
                throw CommandFailure(error.description)
            }
            let bytes: [UInt8]
            switch format {
            case .eml: bytes = preview.message
            case .text: bytes = Array((preview.header + "\n" + preview.text).utf8)
            case .html:
                guard let html = preview.html else {
                    throw CommandFailure("\(event.rawValue) has no HTML part here: add \(event.rawValue).html.mustache beside its text template")
                }
                bytes = Array(html.utf8)
            }
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: Data(bytes)) else {
                    throw CommandFailure("cannot write \(output); check the folder exists and is writable")
                }
            } else {
                FileHandle.standardOutput.write(Data(bytes))
            }
        }
    }
}

extension Templates {
    /// `helpdesk templates schema`: the values each event's templates may use.
    struct Schema: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "schema",
            abstract: "Print the values each event's templates may use, as Markdown (the README's list).")

        func run() throws {
            print(TemplateSchema.markdown, terminator: "")
        }
    }
}
