import Foundation
import HelpdeskStore
import Testing

@Suite("A NUL in a text")
struct StringNULTests {
    static let long = String(repeating: "ünïcode and ascii ", count: 500)

    @Test("found wherever it is, and only when there", arguments: [
        ("", false),
        ("abc", false),
        ("\u{0}", true),
        ("a\u{0}b", true),
        ("é\u{0}", true),
        ("\u{0}é", true),
        (long, false),
        (long + "\u{0}", true),
        ("\u{0}" + long, true),
        ("digits 0 and the word null", false),
    ])
    func found(text: String, expected: Bool) {
        #expect(text.containsNUL == expected)
        #expect(text.containsNUL == text.utf8.contains(0))
    }

    @Test func aBridgedOrSlicedTextIsCheckedToo() {
        let bridged = NSString(string: "from Foundation\u{0}") as String
        #expect(bridged.containsNUL)
        let slice = String(("prefix\u{0}" + Self.long).dropFirst(7))
        #expect(!slice.containsNUL)
    }
}
