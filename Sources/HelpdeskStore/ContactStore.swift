public import Foundation
public import HelpdeskCore

/// Contacts: everyone whose mail was recorded, with the admin's exceptions. Recording a message
/// notes its sender in the same transaction (name and language of their latest mail, first and
/// last seen); this protocol reads them and sets the exceptions.
public protocol ContactStore: Sendable {
    /// Every contact, by address.
    func contacts() throws -> [Contact]
    /// The contact with this address (any case), or nil.
    func contact(address: String) throws -> Contact?
    /// Changes a contact's organisation and manager, creating the contact (seen `now`) when it
    /// never wrote; returns it as stored.
    func setContact(address: String, organization: ContactSetting, manager: ContactSetting, at now: Date) throws -> Contact
}
