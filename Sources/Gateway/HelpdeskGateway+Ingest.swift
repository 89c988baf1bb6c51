public import HelpdeskStore

extension HelpdeskGateway {
    /// Records one message handed over by an MTA (or an admin) for `mailbox`: the same pipeline
    /// as polling, without an IMAP identity, so duplicates are caught by Message-ID or bytes.
    public func ingest(mailbox name: String, raw: [UInt8]) throws -> IngestResult {
        guard let pipeline = pipelines[name] else {
            throw UnknownMailbox(name: name, known: config.mailboxes.map(\.name), directory: config.path)
        }
        return try pipeline.ingest(raw: raw)
    }
}

/// A mailbox name that no config file defines.
public struct UnknownMailbox: Error, CustomStringConvertible {
    public var name: String
    public var known: [String]
    public var directory: String

    public var description: String {
        "no mailbox named '\(name)' in \(directory); known: \(known.joined(separator: ", ")) (the name is the config file's name without .yaml)"
    }
}
