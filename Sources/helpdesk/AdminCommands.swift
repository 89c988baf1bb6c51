import ArgumentParser
import Foundation
import Gateway
import HelpdeskStore

/// `helpdesk templates …`: check the reply templates before they go live.
struct Templates: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "templates", abstract: "Check, preview and describe the reply templates.", subcommands: [Check.self, Preview.self, Schema.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Report every template error with its file and line; exit 1 when there is any.")
        @OptionGroup var options: GlobalOptions

        func run() throws {
            var mailboxes: [String]?
            do {
                mailboxes = try ConfigDirectory.load(path: options.configDirectory).mailboxes.map(\.name)
            } catch {
                // Templates can still be checked; only folders that name mailboxes cannot.
                FileHandle.standardError.write(Data("note: mailbox folders in \(options.templatesDirectory) are not checked: \(options.configDirectory) cannot be read (\(error))\n".utf8))
            }
            let problems = TemplateLibrary.check(directory: options.templatesDirectory, mailboxes: mailboxes)
            for problem in problems {
                FileHandle.standardError.write(Data("\(problem)\n".utf8))
            }
            guard problems.isEmpty else { throw ExitCode.failure }
            print("templates: ok (\(options.templatesDirectory))")
        }
    }
}

/// `helpdesk prune`: apply the raw-message retention now (`helpdesk run` does it every hour).
struct Prune: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Delete raw messages older than each mailbox's keep_raw_messages.")
    @OptionGroup var options: GlobalOptions
    @Flag(help: "Only count what would be deleted.")
    var dryRun = false

    func run() throws {
        try options.requireDatabase()
        let gateway = try HelpdeskGateway(
            settings: options.settings, logger: options.makeLogger(), resolvingSecrets: false, requiringReplySecrets: false)
        print(try gateway.pruneRawMessages(dryRun: dryRun))
    }
}
