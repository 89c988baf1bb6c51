/// Something the reader had to bend or skip; parsing never fails.
public struct Defect: Sendable, Hashable, CustomStringConvertible {
    /// What was wrong, in words an operator can act on.
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
