import Foundation
import Testing
@testable import MIME

/// One case in `Tests/Fixtures/replies`: a reply body and the file with the new text expected from it.
struct ReplyFixture: Sendable, CustomTestStringConvertible {
    /// The input's path under the fixture folder, "ru/gmail-top-posting.txt": language, client, situation.
    let name: String
    var testDescription: String { name }

    /// "ru/gmail-top-posting.expected.txt" beside "ru/gmail-top-posting.txt".
    var expectedName: String { String(name.dropLast(ReplyFixtures.inputSuffix.count)) + ReplyFixtures.expectedSuffix }
}

/// The reply fixtures written for this project, one pair of files per case (see their README.md).
enum ReplyFixtures {
    static let inputSuffix = ".txt"
    static let expectedSuffix = ".expected.txt"
    /// The issue asks for at least this many cases across clients and languages.
    static let minimumCount = 150

    /// `Tests/Fixtures/replies` under the package root (found from this file's path), or nil.
    static func directory(filePath: String = #filePath) -> URL? {
        let url = packageRoot(filePath: filePath).appendingPathComponent("Tests/Fixtures/replies")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue
        else { return nil }
        return url
    }

    /// Every file under the folder, as paths relative to it, sorted.
    static func relativePaths() -> [String] {
        guard let root = directory() else { return [] }
        let prefix = root.standardizedFileURL.path + "/"
        return files(under: root).map { String($0.standardizedFileURL.path.dropFirst(prefix.count)) }.sorted()
    }

    /// The cases: every ".txt" that is not itself an expectation.
    static let all: [ReplyFixture] = relativePaths()
        .filter { $0.hasSuffix(inputSuffix) && !$0.hasSuffix(expectedSuffix) }
        .map(ReplyFixture.init)
}

@Suite("Reply extraction: fixtures by client and language")
struct ReplyFixtureTests {
    @Test(arguments: ReplyFixtures.all)
    func fixture(_ fixture: ReplyFixture) throws {
        let root = try #require(ReplyFixtures.directory())
        let input = try ReplyCorpus.read(root.appendingPathComponent(fixture.name))
        let expected = try ReplyCorpus.read(root.appendingPathComponent(fixture.expectedName))
        #expect(ReplyCorpus.normalized(ReplyExtractor.newText(input)) == ReplyCorpus.normalized(expected))
    }

    @Test func atLeastTheRequiredNumberOfFixtures() {
        #expect(ReplyFixtures.directory() != nil, "fixture folder Tests/Fixtures/replies is missing from the checkout")
        #expect(ReplyFixtures.all.count >= ReplyFixtures.minimumCount, "\(ReplyFixtures.all.count) fixtures")
    }

    /// A case without its expectation, or an expectation without its case, is a fixture half added.
    @Test func everyFixtureIsAPair() {
        let paths = Set(ReplyFixtures.relativePaths())
        let inputs = Set(ReplyFixtures.all.map(\.name))
        let expectations = Set(ReplyFixtures.all.map(\.expectedName))
        #expect(expectations.subtracting(paths).isEmpty, "missing expectations: \(expectations.subtracting(paths).sorted())")
        let strays = paths.subtracting(inputs).subtracting(expectations).subtracting(["README.md"])
        #expect(strays.isEmpty, "files that are neither a case nor an expectation: \(strays.sorted())")
    }
}
