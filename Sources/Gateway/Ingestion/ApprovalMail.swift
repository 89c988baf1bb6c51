import Foundation
import HelpdeskCore
import MIME

/// Reads what a message says to a request for approval, before the transaction that decides:
/// approval reply addresses signed for its sender, and an `#approve`/`#reject` first line.
struct ApprovalMail {
    /// Reply-address secrets by mailbox name.
    let secrets: [String: [UInt8]]

    /// nil for the common message that is neither sent to an approval reply address nor starts
    /// with a decision: it goes the usual way.
    /// `newText`: the message's new text (`Message.reply`, else its text body).
    func read(_ message: Message, newText: String, sender: String, mailboxes: [MailboxConfig], now: Date) -> ApprovalMessage? {
        let recipients = AgentMail.recipients(of: message)
        var ticketIds: Set<Int64> = []
        var problems: [String] = []
        for address in recipients where address.contains("+") {
            for mailbox in mailboxes {
                guard let secret = secrets[mailbox.name],
                      let token = ReplyToken.extract(from: address, supportAddress: mailbox.address)
                else { continue }
                do {
                    ticketIds.insert(try ReplyToken.verify(token, agent: MailIntent.approvalSigner(sender), secret: secret, now: now).ticketId)
                } catch .expired(let date) {
                    problems.append("the approval reply address expired on \(ISO8601DateFormatter().string(from: date)); reply to the latest request or reminder")
                } catch {
                    // An agent's signed address, or one issued to someone else: not an approval.
                    problems.append("the reply address was not issued to \(sender) for approving this request")
                }
            }
        }
        let parsed = ApprovalMessage.parse(newText)
        guard !ticketIds.isEmpty || parsed.decision != nil else { return nil }
        return ApprovalMessage(tokenTicketIds: ticketIds, tokenProblem: problems.first, decision: parsed.decision, comment: parsed.comment)
    }
}
