import ArgumentParser
import Foundation
import HelpdeskCore
import HelpdeskStore

/// `helpdesk suppressions …`: addresses automatic mail skips after a hard bounce.
struct Suppressions: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suppressions",
        abstract: "List and lift the pauses hard bounces put on addresses.",
        discussion: """
            After a hard bounce (5.x.x) the gateway sends no automatic mail (acknowledgements, \
            notices) to the address for the mailbox's bounce_pause (60 days unless set). Agents' \
            own replies still go out, and the agent is warned.
            """,
        subcommands: [List.self, Remove.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the addresses paused now, newest first.")
        @OptionGroup var options: GlobalOptions
        @Flag(help: "Print JSON instead of a table.")
        var json = false

        func run() throws {
            let paused = try options.openDatabase().suppressions(at: Date())
            if json {
                try printJSON(paused.map(SuppressionJSON.init))
                return
            }
            guard !paused.isEmpty else {
                print("no address is paused")
                return
            }
            let format = ISO8601DateFormatter()
            print(TextTable.render(header: ["ADDRESS", "SINCE", "UNTIL", "STATUS", "OUTBOX", "DIAGNOSTIC"], rows: paused.map {
                [$0.address, format.string(from: $0.since), format.string(from: $0.until), $0.status ?? "-",
                 $0.outboxId.map(String.init) ?? "-", String(($0.diagnostic ?? "").prefix(60))]
            }))
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove",
            abstract: "Lift the pause on an address: automatic mail goes to it again.",
            discussion: "Mail withheld while it was paused is not sent afterwards; it stays in `helpdesk outbox list` as withheld.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The address, as `helpdesk suppressions list` shows it.")
        var address: String

        func run() throws {
            guard try options.openDatabase().removeSuppression(address: address) else {
                throw CommandFailure("\(address) is not paused; `helpdesk suppressions list` shows the paused addresses")
            }
            print("\(address.lowercased()): pause lifted; automatic mail goes to it again")
        }
    }
}

/// One pause as `suppressions list --json` prints it.
struct SuppressionJSON: Encodable {
    var address: String
    var since: Date
    var until: Date
    var status: String?
    var diagnostic: String?
    var outboxId: Int64?

    init(_ suppression: Suppression) {
        address = suppression.address
        since = suppression.since
        until = suppression.until
        status = suppression.status
        diagnostic = suppression.diagnostic
        outboxId = suppression.outboxId
    }
}
