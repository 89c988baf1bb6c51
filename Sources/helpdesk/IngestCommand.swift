import ArgumentParser
import Foundation
import Gateway
import HelpdeskCore
import HelpdeskStore

/// `helpdesk ingest`: one message from an MTA's pipe transport, with sysexits-style status codes
/// so the MTA knows whether to retry (75) or bounce (anything else non-zero).
struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Record one message from FILE or stdin, as an MTA pipe transport would hand it over.",
        discussion: """
            Exit status: 0 when the message is recorded (a new ticket, a comment, a duplicate, or \
            kept aside for its size); 75 (EX_TEMPFAIL) when it cannot be recorded now (database \
            busy or unreadable, disk full, config or templates broken): the MTA keeps it and \
            retries; 65 (EX_DATAERR) when the input is not a mail message; 66 (EX_NOINPUT) when \
            FILE cannot be read; 67 (EX_NOUSER) for an unknown --mailbox; 64 for wrong usage.
            """)

    @OptionGroup var options: GlobalOptions

    @Option(help: "The mailbox the message was addressed to (its config file name without .yaml).")
    var mailbox: String

    @Argument(help: "The message file; stdin when absent or '-'.")
    var file: String?

    static let temporaryFailure: Int32 = 75

    func run() throws {
        // Everything that can be refused is checked before the gateway opens the database, which
        // would create an empty helpdesk.sqlite for a command that then fails.
        let raw: [UInt8]
        do {
            raw = try MTAInput.read(file: file)
        } catch {
            throw Self.fail(66, "\(error)")
        }
        guard let message = MTAInput.message(in: raw) else {
            throw Self.fail(65, "the input is not a mail message (no header lines before the first empty line); nothing recorded")
        }
        // A config that does not load is reported by the gateway below, as a temporary failure.
        if let config = try? ConfigDirectory.load(path: options.configDirectory), config.mailbox(named: mailbox) == nil {
            throw Self.fail(67, "no mailbox named '\(mailbox)' in \(config.path); known: \(config.mailboxes.map(\.name).joined(separator: ", ")) (the name is the config file's name without .yaml)")
        }
        let logger = options.makeLogger()
        let gateway: HelpdeskGateway
        do {
            gateway = try HelpdeskGateway(settings: options.settings, logger: logger, resolvingSecrets: false)
        } catch {
            throw Self.fail(Self.temporaryFailure, "cannot start: \(error); the MTA keeps the message and retries once this is fixed")
        }
        do {
            print(Self.describe(try gateway.ingest(mailbox: mailbox, raw: message)))
        } catch let error as UnknownMailbox {
            throw Self.fail(67, "\(error)")
        } catch {
            throw Self.fail(Self.temporaryFailure, "not recorded: \(error); the MTA keeps the message and retries")
        }
    }

    static func describe(_ result: IngestResult) -> String {
        switch result {
        case .ticketCreated(let ticket, _): "ticket created: \(ticket.key)"
        case .commentAdded(let ticket, let comment): "comment added to \(ticket.key) (\(comment.visibility.rawValue))"
        case .duplicate(let key): "duplicate of a message already on \(key ?? "record"); nothing changed"
        case .alreadyRecorded: "already recorded; nothing changed"
        case .quarantined(let reason): "kept aside: \(reason)"
        case .bounce(let outboxId?, let key): "delivery report for outbox #\(outboxId)\(key.map { " (\($0))" } ?? "") recorded"
        case .bounce(nil, _): "delivery report recorded; it matches no mail of ours"
        }
    }

    /// Prints `text` to stderr and returns the exit status to throw.
    static func fail(_ status: Int32, _ text: String) -> ExitCode {
        FileHandle.standardError.write(Data("helpdesk ingest: \(text)\n".utf8))
        return ExitCode(status)
    }
}

/// Reading what an MTA pipes to us.
enum MTAInput {
    /// A message file that cannot be read, said plainly (Foundation's own error names its domain and code).
    struct Unreadable: Error, CustomStringConvertible {
        var path: String
        var reason: String

        var description: String { "cannot read \(path): \(reason); pass a message file or pipe one on stdin" }
    }

    static func read(file: String?) throws(Unreadable) -> [UInt8] {
        guard let file, file != "-" else { return [UInt8](FileHandle.standardInput.readDataToEndOfFile()) }
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        } catch {
            throw Unreadable(path: file, reason: reason(cannotRead: file))
        }
    }

    /// Why `path` cannot be read, in the words of the system call that fails.
    static func reason(cannotRead path: String) -> String {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            let code = errno
            return code == ENOENT ? "no such file" : String(cString: strerror(code)).lowercased()
        }
        close(descriptor)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue { return "it is a directory" }
        return "reading it failed"
    }

    /// The message without an mbox `From ` line (Postfix's pipe `flags=F`, procmail), or nil when
    /// the input does not start with a header field.
    static func message(in raw: [UInt8]) -> [UInt8]? {
        var bytes = raw[...]
        if bytes.starts(with: Array("From ".utf8)) {
            guard let newline = bytes.firstIndex(of: 0x0A) else { return nil }
            bytes = bytes[(newline + 1)...]
        }
        // A header field name is printable ASCII up to a colon, on the first line.
        let firstLine = bytes.prefix { $0 != 0x0A && $0 != 0x0D }
        guard let colon = firstLine.firstIndex(of: UInt8(ascii: ":")), colon > firstLine.startIndex,
              firstLine[..<colon].allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        return Array(bytes)
    }
}
