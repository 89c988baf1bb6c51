import Foundation
import Testing
@testable import MIME

@Suite("Corpus of real and malformed messages")
struct CorpusTests {
    /// The `.msg` files of the corpus (licences and notices are not messages).
    static func corpusMessages() -> [URL]? {
        guard let directory = corpusDirectory() else { return nil }
        return files(under: directory).filter { $0.pathExtension == "msg" }
    }

    @Test func everyCorpusMessageParses() throws {
        guard let urls = Self.corpusMessages() else {
            Issue.record("corpus folder Tests/Fixtures/corpus/mime is missing from the checkout")
            return
        }
        try #require(!urls.isEmpty, "no .msg files in the corpus")
        var readable = 0
        for url in urls {
            let bytes = try [UInt8](Data(contentsOf: url))
            let parsed = Message.parse(bytes)
            if parsed.subject != nil || !parsed.from.isEmpty { readable += 1 }
            _ = parsed.attachments.map { $0.decodedBody() }
            _ = parsed.root.allParts.map { $0.filename }
        }
        // Some corpus files are deliberately header-less; most are not.
        #expect(readable * 10 >= urls.count * 7, "only \(readable) of \(urls.count) had a subject or sender")
    }

    @Test func knownCorpusMessages() throws {
        guard let directory = corpusDirectory() else {
            Issue.record("corpus folder Tests/Fixtures/corpus/mime is missing from the checkout")
            return
        }
        func parse(_ path: String) throws -> Message {
            Message.parse(try [UInt8](Data(contentsOf: directory.appendingPathComponent(path))))
        }
        let clash = try parse("testmsgs/boundary-name-clash.msg")
        #expect(clash.textBody?.hasPrefix("Please see attachment for report Daily_Stats") == true)
        #expect(clash.attachments.first?.filename == "Daily_Stats-2022-05-12-0700.pdf")

        let noHeader = try parse("testmsgs/malformedHeader-noheader.msg")
        #expect(noHeader.textBody?.hasPrefix("This is a simple message not having headers.") == true)

        let weird = try parse("testmsgs/weird-boundary.msg")
        #expect(weird.root.children.count == 1)
        #expect(weird.textBody?.contains("should be part of the body") == true)

        let intermediate = try parse("testmsgs/intermediate-boundaries.msg")
        #expect(intermediate.root.children.count == 2)

        let russian = try parse("testmsgs/russian-headers.msg")
        #expect(russian.root.filename == "Список.doc")
        #expect(russian.textBody == "A simple body.\n")

        // Empty parts between doubled boundaries are not the text when a later part has some.
        let doubled = try parse("mimetools-testmsgs/double-bound.msg")
        #expect(doubled.textBody?.hasPrefix("This message contains double boundaries") == true)

        // Only forwarded messages, no note of their own: the forwarded text is still read.
        let forwarded = try parse("mimetools-testmsgs/re-fwd.msg")
        #expect(forwarded.textBody?.isEmpty == false)

        let encoded = try parse("mimetools-testmsgs/intl.msg")
        #expect(encoded.subject == "If you can read this you understand the example... so, cool!")
        #expect(encoded.cc == [Address(name: "André Pirard", address: "PIRARD@vm1.ulg.ac.be")])
    }
}
