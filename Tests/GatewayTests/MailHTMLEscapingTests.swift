@testable import Gateway
import Testing

/// Values inserted into HTML mail: markup escaped byte by byte, line breaks kept as `<br>`.
@Suite("HTML mail escaping")
struct MailHTMLEscapingTests {
    static let cases: [(text: String, html: String)] = [
        ("plain words", "plain words"),
        ("a < b & c > d", "a &lt; b &amp; c &gt; d"),
        ("\"quoted\" and 'single'", "&quot;quoted&quot; and &#39;single&#39;"),
        ("one\ntwo\r\nthree\rfour", "one<br>\ntwo<br>\nthree<br>\nfour"),
        ("ends with breaks\n\r\n\n", "ends with breaks"),
        ("Grüße, 日本語 ✓", "Grüße, 日本語 ✓"),
        // A combining mark after a markup character makes one Character of both: escaping by
        // Character would let `<́script>` through.
        ("<\u{301}script>", "&lt;\u{301}script&gt;"),
        ("", ""),
        ("\n", ""),
    ]

    @Test(arguments: cases)
    func escapes(text: String, html: String) {
        #expect(MailHTMLContentType().escapeText(text) == html)
    }
}
