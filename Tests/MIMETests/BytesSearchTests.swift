@testable import MIME
import Testing

/// The byte search bounce notices are read with: ASCII letters without case, anything else exact.
@Suite("Byte search without case")
struct BytesSearchTests {
    @Test(arguments: [
        ("Delivery has been DELAYED.", "delayed", true),
        ("we will retry", "will retry", true),
        ("will\r\nretry", "will retry", false),
        ("delaye", "delayed", false),
        ("", "delayed", false),
        ("anything", "", true),
        ("Zustellung verzögert; WARNING ONLY", "warning only", true),
        ("ddelayed", "delayed", true),
        ("DELAYE D", "delayed", false),
    ])
    func findsPhrases(_ text: String, _ phrase: String, _ found: Bool) {
        #expect(Bytes.containsIgnoringASCIICase(Array(text.utf8)[...], phrase) == found)
        // Agrees with String's own search on lower-cased text wherever both apply.
        #expect(text.lowercased().contains(phrase) == found || phrase.isEmpty)
    }

    @Test func findsAPhraseInASlice() {
        let bytes = Array("xx delayed yy".utf8)
        #expect(Bytes.containsIgnoringASCIICase(bytes[3..<10], "delayed"))
        #expect(!Bytes.containsIgnoringASCIICase(bytes[3..<9], "delayed"))
    }
}
