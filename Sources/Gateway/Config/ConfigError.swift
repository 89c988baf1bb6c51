/// A configuration problem, naming the file, the field and what to do about it.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
    public var file: String
    /// Dotted path of the field (`imap.url`), or empty for the whole file.
    public var field: String
    public var line: Int?
    public var problem: String

    public init(file: String, field: String, line: Int? = nil, problem: String) {
        self.file = file
        self.field = field
        self.line = line
        self.problem = problem
    }

    public var description: String {
        let place = line.map { "\(file):\($0)" } ?? file
        return field.isEmpty ? "\(place): \(problem)" : "\(place): field '\(field)': \(problem)"
    }
}
