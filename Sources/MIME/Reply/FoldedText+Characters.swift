extension FoldedText {
    /// What one character becomes in folded text.
    enum Folded: Equatable {
        /// Dropped: marks that carry no letters (direction marks, zero-width spaces).
        case ignored
        /// Any kind of space: runs of them become one space.
        case space
        case scalar(UInt32)
    }

    /// Case, width and spacing folded, so patterns need to be written in one form only.
    ///
    /// Simple one-to-one lower-casing for the scripts the patterns are written in (Latin,
    /// Greek, Cyrillic); other scripts have no case. Full-width forms become ASCII, because
    /// Chinese and Japanese clients write "写道：" and "件名：" with the full-width colon.
    static func fold(_ scalar: UInt32) -> Folded {
        switch scalar {
        case 0x09...0x0D, 0x20, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return .space
        case 0xAD, 0x061C, 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2064, 0x2066...0x2069, 0xFEFF:
            // Soft hyphen, and the direction marks and isolates Hebrew and Arabic clients put
            // around names and addresses ("‪Name‬‏ <‪addr‬‏>").
            return .ignored
        case 0x41...0x5A:
            return .scalar(scalar + 0x20)
        case 0xFF01...0xFF5E:
            return fold(scalar - 0xFEE0)
        case 0xC0...0xDE where scalar != 0xD7:
            return .scalar(scalar + 0x20)
        case 0x0130:
            return .scalar(0x69)  // Turkish İ
        case 0x0100...0x017F:
            return .scalar(latinExtendedALower(scalar))
        case 0x0386:
            return .scalar(0x03AC)
        case 0x0388...0x038A:
            return .scalar(scalar + 0x25)
        case 0x038C:
            return .scalar(0x03CC)
        case 0x038E, 0x038F:
            return .scalar(scalar + 0x3F)
        case 0x0391...0x03A9:
            return .scalar(scalar + 0x20)
        case 0x0400...0x040F:
            return .scalar(scalar + 0x50)
        case 0x0410...0x042F:
            return .scalar(scalar + 0x20)
        case 0x0490:
            return .scalar(0x0491)  // Ukrainian Ґ
        default:
            return .scalar(scalar)
        }
    }

    /// Latin Extended-A pairs capitals with the next code point, on even code points except in
    /// two runs that start one later (Ĺ … Ň, Ź … Ž).
    private static func latinExtendedALower(_ scalar: UInt32) -> UInt32 {
        switch scalar {
        case 0x0100...0x0137, 0x014A...0x0177: scalar.isMultiple(of: 2) ? scalar + 1 : scalar
        case 0x0139...0x0148, 0x0179...0x017E: scalar.isMultiple(of: 2) ? scalar : scalar + 1
        case 0x0178: 0xFF  // Ÿ
        default: scalar
        }
    }
}
