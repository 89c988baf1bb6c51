@testable import MIME

/// Seeded mutations of real messages for the robustness test: the damage mail takes on the way
/// (flipped bytes, cuts, line-end changes) and the kinds an attacker writes on purpose (doubled or
/// missing boundaries, bogus charsets and encodings, NULs, invalid UTF-8, long lines).
enum MessageMutator {
    /// Bytes that mean something to the reader, so mutations land on its decisions.
    static let interesting: [UInt8] = Array("\r\n-=?:;<>\"()@ \t\\/*'%_".utf8) + [0x00, 0x80, 0xC3, 0xE2, 0xFF]

    static let bogusCharsets = [
        "x-unknown", "utf-8\"", "", "utf-16", "utf-32", "iso-2022-jp", "\u{FF}\u{FE}", "gb18030*en",
        "iso-8859-99", "windows-9999", "UTF-7", "\"koi8-r", "shift_jis; x=1", String(repeating: "a", count: 300),
    ]
    static let bogusEncodings = [
        "x-uuencode", "base-64", "BASE64", "quoted-printable ", "8bit; junk", "", "binary", "base64\u{0}", "7bit=?",
    ]
    static let junkLines = [
        "Content-Type: multipart/mixed; boundary=\"\"", "Content-Type: multipart/mixed; boundary=x",
        "Content-Type: message/rfc822", "Content-Transfer-Encoding: base64", "Content-Type: text/html",
        "Subject: =?utf-8?B?", "To: ,,,<<>>@@::;;", "From: \"unterminated <a@b", "Date: 31 Feb 99999 99:99:99 +9999",
        "Content-Disposition: attachment; filename*0*=utf-8''%E2%82; filename*1=\"x", "\t continued", "no colon here",
    ]

    /// One mutated message: a corpus message with one to six mutations applied.
    static func mutate<G: RandomNumberGenerator>(_ originals: [[UInt8]], using generator: inout G) -> [UInt8] {
        var bytes = originals.randomElement(using: &generator)!
        for _ in 0..<Int.random(in: 1...6, using: &generator) {
            apply(to: &bytes, originals: originals, using: &generator)
        }
        return bytes
    }

    private static func apply<G: RandomNumberGenerator>(
        to bytes: inout [UInt8], originals: [[UInt8]], using generator: inout G
    ) {
        func position(inclusiveEnd: Bool = false) -> Int {
            bytes.isEmpty ? 0 : Int.random(in: 0...(inclusiveEnd ? bytes.count : bytes.count - 1), using: &generator)
        }
        switch Int.random(in: 0..<17, using: &generator) {
        case 0 where !bytes.isEmpty:
            bytes[position()] = UInt8.random(in: 0...255, using: &generator)
        case 1 where !bytes.isEmpty:
            bytes[position()] = interesting.randomElement(using: &generator)!
        case 2:
            bytes.insert(interesting.randomElement(using: &generator)!, at: position(inclusiveEnd: true))
        case 3 where !bytes.isEmpty:
            let start = position()
            bytes.removeSubrange(start..<min(bytes.count, start + Int.random(in: 1...64, using: &generator)))
        case 4:
            bytes.removeSubrange(position(inclusiveEnd: true)...)
        case 5:
            duplicateBoundaryLine(in: &bytes, using: &generator)
        case 6:
            removeBoundaryLine(in: &bytes, using: &generator)
        case 7 where !bytes.isEmpty:
            // A repeated chunk: doubled headers, parts, or half a base64 line.
            let start = position()
            let chunk = Array(bytes[start..<min(bytes.count, start + Int.random(in: 1...4096, using: &generator))])
            bytes.insert(contentsOf: chunk, at: position(inclusiveEnd: true))
        case 8:
            bytes.insert(contentsOf: [UInt8](repeating: 0, count: Int.random(in: 1...32, using: &generator)),
                         at: position(inclusiveEnd: true))
        case 9:
            let invalid: [[UInt8]] = [[0xC3, 0x28], [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xFE, 0xFF]]
            bytes.insert(contentsOf: invalid.randomElement(using: &generator)!, at: position(inclusiveEnd: true))
        case 10:
            replaceValue(after: "charset=", in: &bytes, with: bogusCharsets.randomElement(using: &generator)!, using: &generator)
        case 11:
            replaceValue(after: "Content-Transfer-Encoding:", in: &bytes,
                         with: " " + bogusEncodings.randomElement(using: &generator)!, using: &generator)
        case 12:
            // A long line without a break: 1 KB to 256 KB.
            let length = 1 << Int.random(in: 10...18, using: &generator)
            let filler = interesting.randomElement(using: &generator)!
            bytes.insert(contentsOf: [UInt8](repeating: filler == ASCII.lf ? 0x61 : filler, count: length),
                         at: position(inclusiveEnd: true))
        case 13:
            changeLineEnds(of: &bytes, using: &generator)
        case 14:
            // A piece of another message spliced in: a part or header block in the wrong place.
            let other = originals.randomElement(using: &generator)!
            guard !other.isEmpty else { return }
            let start = Int.random(in: 0..<other.count, using: &generator)
            let piece = other[start..<min(other.count, start + Int.random(in: 1...8192, using: &generator))]
            bytes.insert(contentsOf: piece, at: position(inclusiveEnd: true))
        case 15:
            insertLine(junkLines.randomElement(using: &generator)!, into: &bytes, using: &generator)
        default:
            // Encoded-word debris in the header area.
            let words = ["=?utf-8?B?", "=?", "?=", "=?x?Q?=ZZ?=", "=?utf-8*en?Q?a_b?=", "=?iso-2022-jp?B?GyRC?="]
            let end = min(bytes.count, 2048)
            bytes.insert(contentsOf: Array(words.randomElement(using: &generator)!.utf8),
                         at: Int.random(in: 0...end, using: &generator))
        }
    }

    /// Start offsets of lines beginning with "--" (boundary lines, and some text).
    private static func dashLines(in bytes: [UInt8]) -> [Int] {
        var result: [Int] = []
        var start = 0
        while start + 1 < bytes.count {
            if bytes[start] == ASCII.hyphen, bytes[start + 1] == ASCII.hyphen { result.append(start) }
            guard let newline = bytes[start...].firstIndex(of: ASCII.lf) else { break }
            start = newline + 1
        }
        return result
    }

    private static func lineRange(at start: Int, in bytes: [UInt8]) -> Range<Int> {
        let end = bytes[start...].firstIndex(of: ASCII.lf).map { $0 + 1 } ?? bytes.count
        return start..<end
    }

    private static func duplicateBoundaryLine<G: RandomNumberGenerator>(in bytes: inout [UInt8], using generator: inout G) {
        guard let start = dashLines(in: bytes).randomElement(using: &generator) else { return }
        let line = Array(bytes[lineRange(at: start, in: bytes)])
        let copies = Int.random(in: 1...3, using: &generator)
        // Right after itself (an empty part) or somewhere else entirely.
        let target = Bool.random(using: &generator) ? start : Int.random(in: 0...bytes.count, using: &generator)
        for _ in 0..<copies { bytes.insert(contentsOf: line, at: target) }
    }

    private static func removeBoundaryLine<G: RandomNumberGenerator>(in bytes: inout [UInt8], using generator: inout G) {
        guard let start = dashLines(in: bytes).randomElement(using: &generator) else { return }
        bytes.removeSubrange(lineRange(at: start, in: bytes))
    }

    /// Replaces the value after the first (or a random) occurrence of `marker` up to the line end or ";".
    private static func replaceValue<G: RandomNumberGenerator>(
        after marker: String, in bytes: inout [UInt8], with value: String, using generator: inout G
    ) {
        let needle = Array(marker.utf8)
        var hits: [Int] = []
        var index = 0
        while index + needle.count <= bytes.count, hits.count < 64 {
            if Bytes.hasPrefix(bytes, at: index, caseInsensitive: needle) { hits.append(index + needle.count) }
            index += 1
        }
        guard let start = hits.randomElement(using: &generator) else { return }
        var end = start
        while end < bytes.count, ![ASCII.cr, ASCII.lf, ASCII.semicolon].contains(bytes[end]) { end += 1 }
        bytes.replaceSubrange(start..<end, with: Array(value.utf8))
    }

    private static func changeLineEnds<G: RandomNumberGenerator>(of bytes: inout [UInt8], using generator: inout G) {
        switch Int.random(in: 0..<3, using: &generator) {
        case 0: bytes.removeAll { $0 == ASCII.cr }                              // CRLF → LF
        case 1: bytes = bytes.map { $0 == ASCII.lf ? ASCII.cr : $0 }           // old Mac CR only
        default: bytes = bytes.flatMap { $0 == ASCII.lf ? [ASCII.cr, ASCII.cr, ASCII.lf] : [$0] }  // CRCRLF
        }
    }

    private static func insertLine<G: RandomNumberGenerator>(_ line: String, into bytes: inout [UInt8], using generator: inout G) {
        var starts = [0]
        for (index, byte) in bytes.enumerated() where byte == ASCII.lf && starts.count < 512 { starts.append(index + 1) }
        bytes.insert(contentsOf: Array((line + "\r\n").utf8), at: starts.randomElement(using: &generator)!)
    }
}
