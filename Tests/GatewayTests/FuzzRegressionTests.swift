import Foundation
import Gateway
import MIME
import Testing

/// Inputs found by fuzzing the MIME reader (`scripts/fuzz-mime.sh`), kept in `Tests/Fixtures/fuzz`
/// as regression cases: each is read the way `helpdesk parse --json` reads a message, and must be
/// read to the end and give a report. A crash fails the run; the time limit catches a hang.
@Suite("fuzz regression inputs", .timeLimit(.minutes(5)))
struct FuzzRegressionTests {
    static let folder = RepoPaths.root.appendingPathComponent("Tests/Fixtures/fuzz")

    /// The file names of the inputs: every file in the folder but its README.
    static func inputNames() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0 != "README.md" && !$0.hasPrefix(".") }.sorted()
    }

    @Test func folderHasInputs() {
        #expect(!Self.inputNames().isEmpty, "no inputs in \(Self.folder.path)")
    }

    @Test(arguments: inputNames())
    func inputIsReadAndReported(_ name: String) throws {
        let bytes = [UInt8](try Data(contentsOf: Self.folder.appendingPathComponent(name)))
        let message = Message.parse(bytes)
        let report = ParsedMessageReport(message: message)
        let object = try JSONSerialization.jsonObject(with: try report.jsonData()) as? [String: Any]
        #expect(object?["parts"] is [String: Any], "\(name): the report has no part tree")
        #expect(!report.summary.isEmpty)
        // What the report does not show but the gateway reads: the bounce reading and each part's text.
        _ = message.bounce?.recipients.map(\.isPermanentFailure)
        for part in message.root.allParts {
            #expect(part.decodedBody().count <= bytes.count, "\(name): a part decoded to more than the input")
            _ = part.decodedText()
        }
    }
}
