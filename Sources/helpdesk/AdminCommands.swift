import ArgumentParser
import Foundation
import Gateway
import HelpdeskStore

/// `helpdesk templates …`: check the reply templates before they go live.
struct Templates: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check the reply templates.", subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Report every template error with its file and line; exit 1 when there is any.")
        @OptionGroup var options: GlobalOptions

        func run() throws {
            let mailboxes = (try? ConfigDirectory.load(path: options.configDirectory))?.mailboxes.map(\.name) ?? []
            let problems = TemplateLibrary.check(directory: options.templatesDirectory, mailboxes: mailboxes)
            for problem in problems {
                FileHandle.standardError.write(Data("\(problem)\n".utf8))
            }
            guard problems.isEmpty else { throw ExitCode.failure }
            print("templates: ok (\(options.templatesDirectory))")
        }
    }
}

/// `helpdesk outbox …`: see and push outgoing mail.
struct Outbox: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Inspect and send the outbox.", subcommands: [List.self, Flush.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List outgoing messages and their delivery state; 'pending (template)' waits for a template fix.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Only rows with this status (pending, sent, failed).")
        var status: String?

        func run() throws {
            let wanted = try status.map { text in
                guard let value = OutboxStatus(rawValue: text) else { throw ValidationError("unknown status '\(text)'; use pending, sent or failed") }
                return value
            }
            let rows = try options.openDatabase().outbox(status: wanted)
            let format = ISO8601DateFormatter()
            print(TextTable.render(header: ["ID", "STATUS", "EVENT", "TO", "ATTEMPTS", "NEXT/SENT", "ERROR"], rows: rows.map {
                ["\($0.id ?? 0)", $0.isWaitingForTemplate ? "pending (template)" : $0.status.rawValue, $0.event, $0.recipients, "\($0.attempts)",
                 format.string(from: $0.sentAt ?? $0.nextAttemptAt), $0.lastError ?? ""]
            }))
        }
    }

    struct Flush: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send every due outbox message now.")
        @OptionGroup var options: GlobalOptions

        func run() throws {
            let gateway = try HelpdeskGateway(settings: options.settings, logger: options.makeLogger())
            print(try gateway.dispatchOutbox())
        }
    }
}

/// `helpdesk prune`: apply the raw-message retention now (`helpdesk run` does it every hour).
struct Prune: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Delete raw messages older than each mailbox's keep_raw_messages.")
    @OptionGroup var options: GlobalOptions
    @Flag(help: "Only count what would be deleted.")
    var dryRun = false

    func run() throws {
        let gateway = try HelpdeskGateway(
            settings: options.settings, logger: options.makeLogger(), resolvingSecrets: false, requiringReplySecrets: false)
        print(try gateway.pruneRawMessages(dryRun: dryRun))
    }
}
