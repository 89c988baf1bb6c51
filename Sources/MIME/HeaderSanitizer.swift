/// Cleans values before they go into an outgoing header. CR and LF would let input start a new
/// header line (header injection), so they never pass; other controls are dropped too.
enum HeaderSanitizer {
    /// Any run of CR/LF becomes one space; tabs become spaces; other C0 controls and DEL go.
    static func value(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var inBreak = false
        for byte in text.utf8 {
            if byte == ASCII.cr || byte == ASCII.lf {
                if !inBreak { out.append(ASCII.space) }
                inBreak = true
                continue
            }
            inBreak = false
            if byte == ASCII.tab {
                out.append(ASCII.space)
            } else if byte >= 0x20, byte != 0x7F {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// An addr-spec: controls removed, no angle brackets (they would end the angle-addr), trimmed.
    static func address(_ text: String) -> String {
        value(text).filter { $0 != "<" && $0 != ">" }.trimmingWhitespace
    }

    /// A message id without brackets or whitespace.
    static func messageID(_ text: String) -> String {
        value(text).filter { $0 != "<" && $0 != ">" && $0 != " " }
    }

    /// A field name: printable ASCII without ":" (RFC 5322 section 2.2).
    static func fieldName(_ text: String) -> String {
        String(decoding: text.utf8.filter { $0 > 0x20 && $0 < 0x7F && $0 != ASCII.colon }, as: UTF8.self)
    }
}
