@testable import MailTransport
import Testing

/// FETCH answers as servers write them: items in any order, literals between lines, lists and
/// NIL, section names with spaces.
@Suite("IMAP FETCH answers")
struct IMAPFetchResponseTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var segments: [String]
        var literals: [String]
        var uid: UInt32?
        var size: Int?
        var body: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "Dovecot order", segments: ["* 3 FETCH (UID 40 BODY[] {5}", ")"], literals: ["Hello"], uid: 40, body: "Hello"),
        Case(name: "UID after the body", segments: ["* 3 FETCH (BODY[] {2}", " UID 41)"], literals: ["Hi"], uid: 41, body: "Hi"),
        Case(name: "flags first, non-synchronising literal", segments: ["* 9 FETCH (FLAGS (\\Seen $Helpdesk-Processed) UID 7 BODY[] {3+}", ")"],
             literals: ["abc"], uid: 7, body: "abc"),
        Case(name: "size only", segments: ["* 1 FETCH (UID 12 RFC822.SIZE 2210)"], literals: [], uid: 12, size: 2210),
        Case(name: "quoted body", segments: ["* 1 FETCH (UID 5 BODY[] \"a \\\"b\\\"\")"], literals: [], uid: 5, body: "a \"b\""),
        Case(name: "NIL body", segments: ["* 1 FETCH (UID 5 BODY[] NIL)"], literals: [], uid: 5),
        Case(name: "section with spaces and a literal in a list", segments: [
            "* 2 FETCH (BODY[HEADER.FIELDS (FROM TO)] {4}", " ENVELOPE (NIL {3}", " NIL) UID 8 BODY[] {2}", ")",
        ], literals: ["From", "x y", "ok"], uid: 8, body: "ok"),
        Case(name: "a literal that looks like a tagged answer", segments: ["* 4 FETCH (UID 9 BODY[] {14}", ")"],
             literals: ["i2 OK done\r\n)\r\n"], uid: 9, body: "i2 OK done\r\n)\r\n"),
    ]

    @Test(arguments: cases)
    func readsItems(_ example: Case) throws {
        let response = try #require(IMAPFetchResponse(segments: example.segments, literals: example.literals.map { Array($0.utf8) }))
        #expect(response.uid == example.uid)
        #expect(response.number("RFC822.SIZE") == example.size)
        #expect(response.literal("BODY[]").map { String(decoding: $0, as: UTF8.self) } == example.body)
    }

    @Test(arguments: [
        ["* 3 EXISTS"], ["* OK [UIDVALIDITY 3] ok"], ["* 3 FETCH UID 4"], ["* 3 FETCH (UID 4"], ["* 3 FETCH (UID 4 BODY[] \"open)"],
        ["* x FETCH (UID 4)"], ["+ go ahead"],
    ])
    func notAFetchAnswer(_ segments: [String]) {
        #expect(IMAPFetchResponse(segments: segments, literals: []) == nil)
    }

    @Test(arguments: [("* 1 FETCH (BODY[] {12}", 12), ("x {0}", 0), ("{12+}", 12), ("BODY[] {}", nil), ("{1a}", nil), ("no literal", nil),
                      ("{99999999999999}", nil)] as [(String, Int?)])
    func literalAnnouncement(_ line: String, count: Int?) {
        #expect(IMAPFetchResponse.literalCount(endingLine: line) == count)
    }

    @Test(arguments: [([1, 2, 3, 5, 7, 8], "1:3,5,7:8"), ([9], "9"), ([4, 2, 3, 3], "2:4"), ([UInt32.max - 1, UInt32.max], "4294967294:4294967295")]
          as [([UInt32], String)])
    func sequenceSets(_ uids: [UInt32], set: String) {
        #expect(IMAPBulkReader.sequenceSet(uids) == set)
    }
}
