/// The numbers IMAP STATUS reports for a folder.
public struct MailboxStatus: Sendable, Equatable {
    public var uidValidity: UInt32
    public var uidNext: UInt32
    public var messages: Int

    public init(uidValidity: UInt32, uidNext: UInt32, messages: Int) {
        self.uidValidity = uidValidity
        self.uidNext = uidNext
        self.messages = messages
    }

    /// Reads `* STATUS "INBOX" (MESSAGES 3 UIDNEXT 4 UIDVALIDITY 1700000000)` from server output.
    static func parse(_ response: String) -> MailboxStatus? {
        guard let line = response.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("* STATUS") }),
              let open = line.lastIndex(of: "("), let close = line.lastIndex(of: ")"), open < close
        else { return nil }
        let items = line[line.index(after: open)..<close].split(separator: " ")
        var values: [String: String] = [:]
        var index = 0
        while index + 1 < items.count {
            values[items[index].uppercased()] = String(items[index + 1])
            index += 2
        }
        guard let validity = values["UIDVALIDITY"].flatMap(UInt32.init),
              let next = values["UIDNEXT"].flatMap(UInt32.init) else { return nil }
        return MailboxStatus(uidValidity: validity, uidNext: next, messages: values["MESSAGES"].flatMap(Int.init) ?? 0)
    }
}
