import ArgumentParser

/// The `helpdesk` command line: the gateway daemon and the admin's tools.
/// Every command names itself in its configuration: ArgumentParser otherwise derives each name
/// from the type's name, and those first lookups of each type cost 6 ms at every start.
@main
struct Helpdesk: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "helpdesk",
        abstract: "Mailgate: an email help desk gateway.",
        version: mailgateVersion,
        subcommands: [Run.self, Status.self, Reload.self, Poll.self, Ingest.self, Tickets.self, Contacts.self, SLA.self, Attachments.self, Prune.self, Templates.self, Outbox.self, Suppressions.self, Parse.self, Backup.self, MigrateStore.self, OAuth.self]
    )
}
