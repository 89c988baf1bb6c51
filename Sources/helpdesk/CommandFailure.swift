/// A command that ran but could not do its job: printed as `Error: …`, exit status 1, no usage text.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
