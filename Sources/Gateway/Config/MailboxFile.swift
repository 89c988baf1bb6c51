/// One mailbox file as read: the mailbox when the file is sound, otherwise every problem found in
/// it; its key prefix and address either way when they were readable, so clashes with other
/// files still show in the same pass.
struct MailboxFile {
    /// Key prefix and address with the lines they are on.
    typealias Identity = (keyPrefix: String?, keyLine: Int?, address: String?, addressLine: Int?)

    var file: String
    /// The file's name without its extension: the mailbox's name.
    var name: String
    var config: MailboxConfig?
    var problems: [ConfigError]
    var identity: Identity

    init(file: String, name: String, problems: [ConfigError], identity: Identity = (nil, nil, nil, nil)) {
        self.file = file
        self.name = name
        self.config = nil
        self.problems = problems
        self.identity = identity
    }

    init(config: MailboxConfig, identity: Identity) {
        self.file = config.file
        self.name = config.name
        self.config = config
        self.problems = []
        self.identity = identity
    }

    /// The mailbox, or every problem of the file.
    var outcome: Result<MailboxConfig, ConfigProblems> {
        config.map { .success($0) } ?? .failure(ConfigProblems(problems))
    }
}
