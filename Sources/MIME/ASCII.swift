/// Byte values the scanners compare against, named so the code reads like the RFC grammar.
enum ASCII {
    static let tab: UInt8 = 0x09
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let quote: UInt8 = 0x22
    static let ampersand: UInt8 = 0x26
    static let leftParen: UInt8 = 0x28
    static let rightParen: UInt8 = 0x29
    static let plus: UInt8 = 0x2B
    static let comma: UInt8 = 0x2C
    static let hyphen: UInt8 = 0x2D
    static let dot: UInt8 = 0x2E
    static let slash: UInt8 = 0x2F
    static let colon: UInt8 = 0x3A
    static let semicolon: UInt8 = 0x3B
    static let lessThan: UInt8 = 0x3C
    static let equals: UInt8 = 0x3D
    static let greaterThan: UInt8 = 0x3E
    static let question: UInt8 = 0x3F
    static let at: UInt8 = 0x40
    static let leftBracket: UInt8 = 0x5B
    static let backslash: UInt8 = 0x5C
    static let rightBracket: UInt8 = 0x5D
    static let underscore: UInt8 = 0x5F
    static let hash: UInt8 = 0x23
    static let apostrophe: UInt8 = 0x27
    static let percent: UInt8 = 0x25
    static let asterisk: UInt8 = 0x2A
    static let exclamation: UInt8 = 0x21

    /// Upper-case hex digits, for the encoders.
    static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)
}

extension UInt8 {
    /// Space or tab: the WSP of RFC 5322.
    @inline(__always) var isWSP: Bool { self == ASCII.space || self == ASCII.tab }

    /// WSP, CR or LF.
    @inline(__always) var isWhitespace: Bool {
        self == ASCII.space || self == ASCII.tab || self == ASCII.cr || self == ASCII.lf
    }

    @inline(__always) var isASCIIDigit: Bool { self >= 0x30 && self <= 0x39 }

    @inline(__always) var isASCIILetter: Bool { (self | 0x20) >= 0x61 && (self | 0x20) <= 0x7A }

    @inline(__always) var asciiLowercased: UInt8 { self >= 0x41 && self <= 0x5A ? self | 0x20 : self }

    /// The value of a hex digit (either case), or nil.
    @inline(__always) var hexValue: UInt8? {
        switch self {
        case 0x30...0x39: self - 0x30
        case 0x41...0x46: self - 0x41 + 10
        case 0x61...0x66: self - 0x61 + 10
        default: nil
        }
    }
}
