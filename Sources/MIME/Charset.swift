import Glibc

/// Turns bytes in a named charset into text; never fails (unknown names and bad bytes fall back
/// and are reported as defects).
public enum Charset {
    /// The result of a conversion: the text, and what had to be bent to get it.
    public struct Decoded: Sendable {
        public var text: String
        public var defects: [Defect]
    }

    /// Decodes `bytes` labelled with `charset` (nil means US-ASCII, the RFC 2045 default).
    public static func decode<C: Collection<UInt8>>(_ bytes: C, charset: String?) -> Decoded {
        let label = charset ?? "us-ascii"
        let name = canonicalName(label)
        switch name {
        case "UTF-8":
            if let text = String(validating: bytes, as: UTF8.self) { return Decoded(text: text, defects: []) }
            return fallback(bytes) { .invalidUTF8(charset: label, readAs: $0) }
        case "US-ASCII":
            // QUIRK: 8-bit text labelled US-ASCII is common; read it as UTF-8 or Latin-1 rather than drop it.
            if let text = String(validating: bytes, as: UTF8.self) {
                if Bytes.isASCII(bytes) { return Decoded(text: text, defects: []) }
                return Decoded(text: text, defects: [.eightBitInASCII(charset: label, readAs: .utf8)])
            }
            return fallback(bytes) { .eightBitInASCII(charset: label, readAs: $0) }
        case "ISO-8859-1", "WINDOWS-1252":
            // QUIRK: like every browser (WHATWG Encoding), read ISO-8859-1 as its superset
            // windows-1252: C1 controls never mean anything in mail, the curly quotes do.
            return Decoded(text: windows1252String(bytes), defects: [])
        case "":
            return fallback(bytes) { .unknownCharset(label, readAs: $0) }
        default:
            if let converted = IconvConverter.convert(Array(bytes), from: name) {
                var defects: [Defect] = []
                if converted.invalidSequences > 0 {
                    defects.append(.invalidSequences(count: converted.invalidSequences, charset: label))
                }
                return Decoded(text: converted.text, defects: defects)
            }
            return fallback(bytes) { .unknownCharset(label, readAs: $0) }
        }
    }

    /// Text from bytes whose charset is unknown or wrong: UTF-8 (with U+FFFD) if mostly valid,
    /// else ISO-8859-1 (read as windows-1252), which every byte sequence is.
    static func fallback<C: Collection<UInt8>>(_ bytes: C, defect: (Defect.TextReading) -> Defect) -> Decoded {
        let (nonASCII, invalid) = utf8Errors(bytes)
        if invalid == 0 || invalid * 4 <= nonASCII {
            return Decoded(text: String(decoding: bytes, as: UTF8.self), defects: [defect(invalid == 0 ? .utf8 : .utf8WithReplacements)])
        }
        return Decoded(text: windows1252String(bytes), defects: [defect(.latin1)])
    }

    /// Counts non-ASCII bytes, and bytes that are not part of a valid UTF-8 sequence.
    static func utf8Errors<C: Collection<UInt8>>(_ bytes: C) -> (nonASCII: Int, invalid: Int) {
        var nonASCII = 0
        var invalid = 0
        var iterator = bytes.makeIterator()
        var pending: UInt8? = nil
        while true {
            let lead: UInt8
            if let held = pending {
                lead = held
                pending = nil
            } else if let next = iterator.next() {
                lead = next
            } else {
                break
            }
            if lead < 0x80 { continue }
            nonASCII += 1
            let needed: Int
            var minimum: UInt32
            var scalar: UInt32
            switch lead {
            case 0xC2...0xDF: needed = 1; scalar = UInt32(lead & 0x1F); minimum = 0x80
            case 0xE0...0xEF: needed = 2; scalar = UInt32(lead & 0x0F); minimum = 0x800
            case 0xF0...0xF4: needed = 3; scalar = UInt32(lead & 0x07); minimum = 0x10000
            default: invalid += 1; continue
            }
            var ok = true
            for _ in 0..<needed {
                guard let next = iterator.next() else { ok = false; break }
                guard next & 0xC0 == 0x80 else { ok = false; pending = next; break }
                nonASCII += 1
                scalar = scalar << 6 | UInt32(next & 0x3F)
            }
            if ok, scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { ok = false }
            if !ok { invalid += 1 }
        }
        return (nonASCII, invalid)
    }

    /// ISO-8859-1: every byte is the code point of the same value.
    static func latin1String<C: Collection<UInt8>>(_ bytes: C) -> String {
        transcode(bytes) { UInt32($0) }
    }

    /// windows-1252: ISO-8859-1 with printable characters in 0x80...0x9F.
    static func windows1252String<C: Collection<UInt8>>(_ bytes: C) -> String {
        transcode(bytes) { byte in
            (0x80...0x9F).contains(byte) ? UInt32(windows1252High[Int(byte) - 0x80]) : UInt32(byte)
        }
    }

    /// Builds UTF-8 for a single-byte charset given each byte's code point (all below U+10000).
    private static func transcode<C: Collection<UInt8>>(_ bytes: C, scalar: (UInt8) -> UInt32) -> String {
        if Bytes.isASCII(bytes) { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            let value = scalar(byte)
            switch value {
            case 0..<0x80:
                out.append(UInt8(value))
            case 0x80..<0x800:
                out.append(UInt8(0xC0 | (value >> 6)))
                out.append(UInt8(0x80 | (value & 0x3F)))
            default:
                out.append(UInt8(0xE0 | (value >> 12)))
                out.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
                out.append(UInt8(0x80 | (value & 0x3F)))
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Code points of windows-1252 bytes 0x80...0x9F (undefined ones keep their C1 value, as WHATWG says).
    private static let windows1252High: [UInt16] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]
}
