package import Foundation
package import HelpdeskCore

/// An `Approval` as a row of the `approval` table, on either backend: the approvers as a JSON
/// array in one text column, everything else as it is.
package struct StoredApproval: Codable, Sendable {
    package var ticketId: Int64
    package var rule: String
    package var mode: String
    package var approvers: String
    package var step: Int
    package var state: String
    package var requestedAt: Date
    package var remindAt: Date?
    package var expiresAt: Date
    package var remindAfter: Double
    package var expireAfter: Double
    package var onExpiry: String
    package var escalated: Bool
    package var decidedAt: Date?
    package var decidedBy: String?
    package var reason: String?
    package var request: String

    package init(_ approval: Approval, ticketId: Int64) {
        self.ticketId = ticketId
        rule = approval.rule
        mode = approval.mode.rawValue
        approvers = String(decoding: (try? JSONEncoder().encode(approval.approvers)) ?? Data("[]".utf8), as: UTF8.self)
        step = approval.step
        state = approval.state.rawValue
        requestedAt = approval.requestedAt
        remindAt = approval.remindAt
        expiresAt = approval.expiresAt
        remindAfter = approval.remindAfter
        expireAfter = approval.expireAfter
        onExpiry = approval.onExpiry.rawValue
        escalated = approval.escalated
        decidedAt = approval.decidedAt
        decidedBy = approval.decidedBy
        reason = approval.reason
        request = approval.request
    }

    /// The approval, or a failure naming what a row written by a newer release holds.
    package func approval() throws -> Approval {
        guard let mode = Approval.Mode(rawValue: mode), let state = Approval.State(rawValue: state),
              let onExpiry = ApprovalRule.OnExpiry(rawValue: onExpiry),
              let approvers = try? JSONDecoder().decode([String].self, from: Data(approvers.utf8))
        else { throw StoredApprovalError(description: "the approval of ticket \(ticketId) cannot be read (mode \(mode), state \(state)); is a newer release writing this database?") }
        return Approval(
            ticketId: ticketId, rule: rule, mode: mode, approvers: approvers, step: step, state: state, requestedAt: requestedAt,
            remindAt: remindAt, expiresAt: expiresAt, remindAfter: remindAfter, expireAfter: expireAfter, onExpiry: onExpiry,
            escalated: escalated, decidedAt: decidedAt, decidedBy: decidedBy, reason: reason, request: request)
    }
}

/// A stored approval this release cannot read.
package struct StoredApprovalError: Error, CustomStringConvertible {
    package var description: String
}
