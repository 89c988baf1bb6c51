public import MIME

/// Why the gateway sends no automatic reply to a message (RFC 3834, and mail-loop lore).
public enum AutoReplySuppression: Sendable, Equatable, CustomStringConvertible {
    /// `Auto-Submitted` other than `no` (RFC 3834 section 5).
    case autoSubmitted(String)
    /// `Precedence: bulk | junk | list`.
    case precedence(String)
    /// A `List-Id` header: mail from a mailing list.
    case mailingList(String)
    /// `Return-Path: <>`: a bounce or other automatic notice.
    case emptyReturnPath
    /// From MAILER-DAEMON, postmaster and the like.
    case daemonSender(String)
    /// A message the gateway itself sent (its From is one of our addresses, or it carries our marker).
    case ownMessage
    /// The message has no usable sender address to answer.
    case noSender

    public var description: String {
        switch self {
        case .autoSubmitted(let value): "Auto-Submitted: \(value)"
        case .precedence(let value): "Precedence: \(value)"
        case .mailingList(let id): "List-Id: \(id)"
        case .emptyReturnPath: "empty return path"
        case .daemonSender(let address): "automatic sender \(address)"
        case .ownMessage: "sent by this gateway"
        case .noSender: "no sender address"
        }
    }
}

/// Decides whether a message may get an automatic reply; pure, so each rule is tested directly.
public struct AutoReplyPolicy: Sendable {
    /// Our own support addresses (lower-cased); mail from them is never answered.
    public var ownAddresses: Set<String>
    /// The header the gateway puts on everything it sends.
    public static let markerHeader = "X-Mailgate-Ticket"

    public init(ownAddresses: Set<String>) {
        self.ownAddresses = Set(ownAddresses.map { $0.lowercased() })
    }

    /// Local parts that belong to machines, not people (RFC 2142 and common practice).
    static let daemonLocalParts: Set<String> = [
        "mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon", "noreply", "no-reply", "donotreply",
        "do-not-reply", "bounce", "bounces",
    ]

    /// The first reason not to answer `message`, or nil when an acknowledgement may go out.
    public func suppression(for message: Message) -> AutoReplySuppression? {
        if let value = message.autoSubmitted, value != "no" { return .autoSubmitted(value) }
        if let value = message.precedence, ["bulk", "junk", "list"].contains(value) { return .precedence(value) }
        if let id = message.listID { return .mailingList(id) }
        if let path = message.returnPath, path.isEmpty { return .emptyReturnPath }
        if message.header[Self.markerHeader] != nil { return .ownMessage }
        guard let sender = message.from.first?.address.lowercased(), sender.contains("@") else { return .noSender }
        if ownAddresses.contains(Self.withoutSubaddress(sender)) { return .ownMessage }
        let local = String(sender.prefix { $0 != "@" })
        if Self.daemonLocalParts.contains(Self.withoutSubaddress(local)) { return .daemonSender(sender) }
        return nil
    }

    /// `support+abc@x` → `support@x`: our reply addresses carry tokens after a `+`.
    public static func withoutSubaddress(_ address: String) -> String {
        guard let plus = address.firstIndex(of: "+") else { return address }
        let at = address.firstIndex(of: "@") ?? address.endIndex
        guard plus < at else { return address }
        return String(address[..<plus] + address[at...])
    }
}
