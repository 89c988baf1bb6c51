/// A ticket's public name: the mailbox's prefix and a per-mailbox number, as in `SUPP-42`.
public struct TicketKey: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    public var prefix: String
    public var number: Int

    public init(prefix: String, number: Int) {
        self.prefix = prefix
        self.number = number
    }

    /// Reads `SUPP-42` (the prefix is case-insensitive and kept upper-case).
    public init?(_ text: some StringProtocol) {
        guard let dash = text.lastIndex(of: "-") else { return nil }
        let prefix = text[..<dash]
        let digits = text[text.index(after: dash)...]
        guard Self.isValidPrefix(prefix), !digits.isEmpty, digits.count <= 12,
              digits.allSatisfy(\.isASCIIDigit), let number = Int(digits), number > 0 else { return nil }
        self.init(prefix: prefix.uppercased(), number: number)
    }

    public var description: String { "\(prefix)-\(number)" }

    /// A prefix is 2 to 16 ASCII letters or digits, starting with a letter.
    public static func isValidPrefix(_ prefix: some StringProtocol) -> Bool {
        guard (2...16).contains(prefix.count), let first = prefix.first, first.isASCIILetter else { return false }
        return prefix.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit }
    }

    public static func < (lhs: TicketKey, rhs: TicketKey) -> Bool {
        (lhs.prefix, lhs.number) < (rhs.prefix, rhs.number)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
    var isASCIILetter: Bool { isASCII && isLetter }
}
