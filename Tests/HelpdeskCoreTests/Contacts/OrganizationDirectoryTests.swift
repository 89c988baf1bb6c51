import Foundation
import HelpdeskCore
import Testing

@Suite("organisations: who belongs where, and who approves")
struct OrganizationDirectoryTests {
    static let directory = OrganizationDirectory([
        Organization(name: "Acme", domains: ["Acme.test", "acme-corp.test"], managers: ["Mia@Acme.test"], defaultPriority: .high),
        Organization(name: "Acme Europe", domains: ["eu.acme.test"], managers: ["ed@eu.acme.test", "eva@eu.acme.test"]),
        Organization(name: "Globex", domains: ["globex.test"]),
    ])

    static func contact(_ address: String, organization: String? = nil, manager: String? = nil) -> Contact {
        Contact(address: address, firstSeenAt: Date(timeIntervalSince1970: 0), lastSeenAt: Date(timeIntervalSince1970: 0),
                organization: organization, manager: manager)
    }

    @Test("by mail domain: exact, below, most specific, none", arguments: [
        ("ann@acme.test", "Acme"),
        ("ann@ACME.TEST", "Acme"),
        ("bo@acme-corp.test", "Acme"),
        ("cy@it.acme.test", "Acme"),
        ("di@eu.acme.test", "Acme Europe"),
        ("ed@x.eu.acme.test", "Acme Europe"),
        ("fay@notacme.test", nil),
        ("gus@acme.test.evil.test", nil),
        ("hal@globex.test", "Globex"),
        ("no-at-sign", nil),
        ("", nil),
    ] as [(String, String?)])
    func byDomain(address: String, expected: String?) {
        #expect(Self.directory.organization(forDomainOf: address)?.name == expected)
        #expect(Self.directory.membership(of: address, contact: nil).name == expected)
    }

    @Test func aContactsOwnChoiceComesFirst() {
        let directory = Self.directory
        // Named: the configured organisation, found in any case.
        let moved = directory.membership(of: "ann@acme.test", contact: Self.contact("ann@acme.test", organization: "globex"))
        #expect(moved.name == "Globex" && moved.organization?.name == "Globex")
        // Named but not configured: the name counts, nothing else comes with it.
        let unknown = directory.membership(of: "ann@acme.test", contact: Self.contact("ann@acme.test", organization: "Initech"))
        #expect(unknown.name == "Initech" && unknown.organization == nil)
        // None, whatever the domain says.
        #expect(directory.membership(of: "ann@acme.test", contact: Self.contact("ann@acme.test", organization: "")).name == nil)
        // A contact without a choice: the domain.
        #expect(directory.membership(of: "ann@acme.test", contact: Self.contact("ann@acme.test")).name == "Acme")
    }

    @Test func managers() {
        let directory = Self.directory
        #expect(directory.managers(of: "ann@acme.test", contact: nil) == ["mia@acme.test"])
        #expect(directory.managers(of: "di@eu.acme.test", contact: nil) == ["ed@eu.acme.test", "eva@eu.acme.test"])
        #expect(directory.managers(of: "hal@globex.test", contact: nil).isEmpty)
        #expect(directory.managers(of: "zed@elsewhere.test", contact: nil).isEmpty)
        #expect(directory.managers(of: "ann@acme.test", contact: Self.contact("ann@acme.test", manager: "Boss@Acme.test")) == ["boss@acme.test"])
        #expect(directory.managers(of: "ann@acme.test", contact: Self.contact("ann@acme.test", manager: "")).isEmpty)
        // Moved to another organisation: its managers.
        #expect(directory.managers(of: "ann@acme.test", contact: Self.contact("ann@acme.test", organization: "Acme Europe")).count == 2)
    }

    @Test("a setting as stored", arguments: [
        (ContactSetting.unchanged, "old", "old"),
        (.unchanged, nil, nil),
        (.byDefault, "old", nil),
        (.none, "old", ""),
        (.value("New"), nil, "New"),
    ] as [(ContactSetting, String?, String?)])
    func stored(setting: ContactSetting, current: String?, expected: String?) {
        #expect(setting.stored(replacing: current) == expected)
    }
}
