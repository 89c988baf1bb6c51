/// The ordered header of a message or part; lookups are case-insensitive.
public struct MessageHeader: Sendable, Hashable {
    public var fields: [HeaderField]

    public init(fields: [HeaderField] = []) {
        self.fields = fields
    }

    /// The first field named `name` (any case): its unfolded raw value.
    public subscript(_ name: String) -> String? {
        fields.first { Bytes.equalsIgnoringCase($0.name, name) }?.value
    }

    /// Every field named `name` (any case), in order.
    public func all(_ name: String) -> [String] {
        fields.filter { Bytes.equalsIgnoringCase($0.name, name) }.map(\.value)
    }

    /// Whether a field named `name` is present.
    public func contains(_ name: String) -> Bool {
        fields.contains { Bytes.equalsIgnoringCase($0.name, name) }
    }
}
