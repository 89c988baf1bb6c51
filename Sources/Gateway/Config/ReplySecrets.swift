/// The reply-address secrets of an installation, by mailbox name.
enum ReplySecrets {
    /// The secret of every mailbox that has one; too short a secret is refused.
    static func load(_ mailboxes: [MailboxConfig], environment: [String: String]) throws(ConfigError) -> [String: [UInt8]] {
        var secrets: [String: [UInt8]] = [:]
        for mailbox in mailboxes {
            guard let reference = mailbox.replyTokenSecret else { continue }
            let value = try reference.resolve(environment: environment, configFile: mailbox.file, field: "reply_token_secret_env")
            guard value.utf8.count >= 16 else {
                throw ConfigError(file: mailbox.file, field: "reply_token_secret_env",
                                  problem: "the reply token secret has \(value.utf8.count) characters; use at least 16, e.g. from `openssl rand -hex 32`")
            }
            secrets[mailbox.name] = Array(value.utf8)
        }
        return secrets
    }
}
