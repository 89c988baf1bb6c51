import ArgumentParser

/// The `helpdesk` command line: the gateway daemon and the admin's tools.
@main
struct Helpdesk: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "helpdesk",
        abstract: "Mailgate: an email help desk gateway.",
        version: mailgateVersion,
        subcommands: [Run.self, Status.self, Reload.self, Poll.self, Ingest.self, Tickets.self, Contacts.self, SLA.self, Attachments.self, Prune.self, Templates.self, Outbox.self, Suppressions.self, Parse.self, Backup.self, MigrateStore.self, OAuth.self]
    )
}
