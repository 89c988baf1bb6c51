import HelpdeskCore
import Testing

@Suite("Agents' files going out")
struct OutgoingAttachmentsTests {
    static func file(_ name: String, _ size: Int) -> AttachmentDraft {
        AttachmentDraft(sha256: String(repeating: "a", count: 64), filename: name, contentType: "application/pdf", size: size, isInline: false, contentID: nil)
    }

    static let cases: [(sizes: [Int], limit: Int, sent: Int)] = [
        ([], 100, 0),
        ([100], 100, 1),
        ([60, 40], 100, 2),
        ([60, 41], 100, 0),
        ([101], 100, 0),
        ([0, 0, 0], 0, 3),
    ]

    /// All files or none: a reply with some of its files missing would read as complete.
    @Test(arguments: cases)
    func allOrNone(sizes: [Int], limit: Int, sent: Int) {
        let files = sizes.enumerated().map { Self.file("f\($0.offset)", $0.element) }
        let split = OutgoingAttachments.split(files, limit: limit)
        #expect(split.sent.count == sent)
        #expect(split.sent.count + split.leftOut.count == files.count)
        #expect(split.sent.isEmpty || split.leftOut.isEmpty)
    }
}
