import Foundation
import HelpdeskCore
import HelpdeskStore
import MIME

/// Reads what an agent's mail proves and asks for, before the transaction that applies it:
/// signed reply addresses, the trusted Authentication-Results, and the `#` command lines.
struct AgentMail {
    /// Reply-address secrets by mailbox name.
    let secrets: [String: [UInt8]]

    /// Header fields where a reply address may show up besides To and Cc.
    static let recipientHeaders = ["Delivered-To", "X-Original-To", "Envelope-To"]

    /// Every address a signed reply address may have been written to in `message`.
    static func recipients(of message: Message) -> [String] {
        (message.to + message.cc).map(\.address) + recipientHeaders.flatMap { message.header.all($0) }.map(Self.bareAddress)
    }

    /// A delivery header's address without the spaces, tabs, line breaks and angle brackets
    /// around it. By hand: Foundation's trimming was most of the time these headers took.
    static func bareAddress(_ value: String) -> String {
        let utf8 = value.utf8
        func isPadding(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "\t")
                || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n")
        }
        guard let first = utf8.firstIndex(where: { !isPadding($0) }), let last = utf8.lastIndex(where: { !isPadding($0) }) else { return "" }
        return String(decoding: utf8[first...last], as: UTF8.self)
    }

    /// `receiving`: the mailbox this copy arrived at; its server's Authentication-Results is the
    /// only one that counts, whichever mailbox the ticket belongs to.
    /// `newText`: the message's new text (`Message.reply`, else its text body).
    func read(_ message: Message, newText: String, sender: String, agentOf: [MailboxConfig], receiving: MailboxConfig, now: Date) -> AgentMessage {
        var ticketIds: Set<Int64> = []
        var problems: [String] = []
        let recipients = Self.recipients(of: message)
        for mailbox in agentOf {
            guard let secret = secrets[mailbox.name] else { continue }
            for address in recipients {
                guard let token = ReplyToken.extract(from: address, supportAddress: mailbox.address) else { continue }
                do {
                    ticketIds.insert(try ReplyToken.verify(token, agent: sender, secret: secret, now: now).ticketId)
                } catch .expired(let date) {
                    problems.append("the signed reply address expired on \(ISO8601DateFormatter().string(from: date)); reply to a newer notification")
                } catch .wrongSignature {
                    problems.append("the signed reply address was not issued to \(sender) for this ticket")
                } catch {
                    problems.append("the reply address \(address) is not one the help desk signed")
                }
            }
        }
        let domain = String(sender.split(separator: "@").last ?? "")
        let authentication: SenderAuthentication
        if let authserv = receiving.authservID {
            authentication = AuthenticationResults.evaluate(
                headers: message.header.all("Authentication-Results"), trustedAuthservID: authserv, fromDomain: domain)
        } else {
            authentication = .notVerified(reason: "mailbox \(receiving.name) trusts no Authentication-Results header (authserv_id is not set)")
        }
        return AgentMessage(
            tokenTicketIds: ticketIds, tokenProblem: problems.first, authentication: authentication,
            commands: AgentCommands.parse(newText, sender: sender))
    }
}
