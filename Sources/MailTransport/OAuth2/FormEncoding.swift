import Foundation

/// `application/x-www-form-urlencoded` and URL query escaping: unreserved characters as they are, the rest %XX.
public enum FormEncoding {
    /// `text` with every byte but A-Z, a-z, 0-9 and `-._~` written as %XX (RFC 3986 unreserved).
    public static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}
