/// Every problem found in a config directory in one pass, so an admin fixes them all at once.
public struct ConfigProblems: Error, CustomStringConvertible, Equatable {
    /// In file order, each file's problems in the order they occur in it.
    public var problems: [ConfigError]

    public init(_ problems: [ConfigError]) {
        self.problems = problems
    }

    /// One `file: field: problem` per line.
    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}

/// Gathers the problems of one file while it is read, so one broken field does not hide the next.
struct ConfigProblemList {
    private(set) var problems: [ConfigError] = []

    /// What `read` returns, or nil after noting its problem; later fields are still read.
    mutating func attempt<Value>(_ read: () throws(ConfigError) -> Value) -> Value? {
        do {
            return try read()
        } catch {
            problems.append(error)
            return nil
        }
    }

    /// Runs `read`, noting its problem; whether it went through.
    @discardableResult
    mutating func check(_ read: () throws(ConfigError) -> Void) -> Bool {
        attempt(read) != nil
    }

    mutating func note(_ problem: ConfigError) {
        problems.append(problem)
    }

    mutating func note(_ more: [ConfigError]) {
        problems.append(contentsOf: more)
    }

    var isEmpty: Bool { problems.isEmpty }
    var count: Int { problems.count }
}
