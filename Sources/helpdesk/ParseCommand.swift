import ArgumentParser
import Foundation
import Gateway

/// `helpdesk parse FILE [--json]`: how the gateway reads one message; needs no config or database.
struct Parse: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Show how the gateway reads one RFC 5322 message.",
        discussion: "Prints a short summary, or with --json one JSON object: headers, text, attachments, MIME tree, defects.")

    @Argument(help: "The message file; '-' or nothing reads standard input.")
    var file: String?
    @Flag(help: "Print one JSON object instead of a summary.")
    var json = false

    func run() throws {
        let bytes = try readMessage()
        let report = ParsedMessageReport(bytes: bytes)
        if json {
            FileHandle.standardOutput.write(try report.jsonData() + Data("\n".utf8))
        } else {
            print(report.summary)
        }
    }

    private func readMessage() throws -> [UInt8] {
        guard let file, file != "-" else {
            return [UInt8](FileHandle.standardInput.readDataToEndOfFile())
        }
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        } catch {
            throw CommandFailure("cannot read \(file): \(MTAInput.reason(cannotRead: file)); give the path of one RFC 5322 message, or - for standard input")
        }
    }
}
