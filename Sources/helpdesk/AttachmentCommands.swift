import ArgumentParser
import Foundation
import Gateway
import HelpdeskStore

/// `helpdesk attachments get`: write one stored attachment out, checked against its SHA-256.
struct Attachments: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "attachments", abstract: "Get stored attachments.", subcommands: [Get.self])

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "get",
            abstract: "Write the attachment with this SHA-256 (from `tickets show KEY --json`) to a file.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The attachment's SHA-256, 64 hex digits.")
        var sha256: String
        @Option(name: .shortAndLong, help: "Where to write it; '-' for stdout.")
        var output: String
        @Flag(help: "Replace an existing file.")
        var force = false

        func run() throws {
            let store = DataDirectory(root: options.dataPath).attachments
            guard store.path(for: sha256) != nil else {
                throw CommandFailure("'\(sha256)' is not a SHA-256 (64 hex digits); `helpdesk tickets show KEY --json` lists each attachment's sha256")
            }
            guard try options.openDatabase().hasAttachment(sha256: sha256) else {
                throw CommandFailure("no attachment with sha256 \(sha256) on any ticket; `helpdesk tickets show KEY --json` lists them")
            }
            let bytes: [UInt8]
            do {
                bytes = try store.read(sha256)
            } catch {
                throw CommandFailure("\(error)")
            }
            if output == "-" {
                FileHandle.standardOutput.write(Data(bytes))
                return
            }
            if !force && FileManager.default.fileExists(atPath: output) {
                throw CommandFailure("\(output) exists; pass --force to replace it")
            }
            do {
                try Data(bytes).write(to: URL(fileURLWithPath: output), options: .atomic)
            } catch {
                throw CommandFailure("cannot write \(output): \(error.localizedDescription)")
            }
            FileHandle.standardError.write(Data("wrote \(bytes.count) bytes to \(output)\n".utf8))
        }
    }
}
