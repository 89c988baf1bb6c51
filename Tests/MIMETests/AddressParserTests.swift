import MailgateTestSupport
import Testing
@testable import MIME

@Suite("Address lists")
struct AddressParserTests {
    @Test(arguments: [
        ("ann@example.test", [Address(address: "ann@example.test")]),
        ("Ann Example <ann@example.test>", [Address(name: "Ann Example", address: "ann@example.test")]),
        ("\"Example, Ann\" <ann@example.test>", [Address(name: "Example, Ann", address: "ann@example.test")]),
        (#""Ann \"The\" Example" <ann@example.test>"#, [Address(name: #"Ann "The" Example"#, address: "ann@example.test")]),
        ("=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?= <keld@dkuug.dk>",
         [Address(name: "Keld Jørn Simonsen", address: "keld@dkuug.dk")]),
        ("=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>",
         [Address(name: "André Pirard", address: "PIRARD@vm1.ulg.ac.be")]),
        ("\"=?utf-8?q?Ann_M=C3=BCller?=\" <ann@example.test>", [Address(name: "Ann Müller", address: "ann@example.test")]),
        ("ann@example.test (Ann Example)", [Address(name: "Ann Example", address: "ann@example.test")]),
        ("Nathaniel Borenstein <nsb@thumper.bellcore.com>\r\n    (=?iso-8859-8?b?7eXs+SDv4SDp7Oj08A==?=)",
         [Address(name: "Nathaniel Borenstein", address: "nsb@thumper.bellcore.com")]),
        ("Ann (the boss) Example <ann@example.test>", [Address(name: "Ann Example", address: "ann@example.test")]),
        ("undisclosed-recipients:;", []),
        ("team: a@example.test, \"Bob B\" <b@example.test>;, c@example.test",
         [Address(address: "a@example.test"), Address(name: "Bob B", address: "b@example.test"),
          Address(address: "c@example.test")]),
        ("Empty group:;, d@example.test", [Address(address: "d@example.test")]),
        ("<@route1.test,@route2.test:ann@example.test>", [Address(address: "ann@example.test")]),
        ("Ann <@route.test:ann@example.test>", [Address(name: "Ann", address: "ann@example.test")]),
        (", ann@example.test,, bob@example.test ,",
         [Address(address: "ann@example.test"), Address(address: "bob@example.test")]),
        ("Ann Example ann@example.test", [Address(name: "Ann Example", address: "ann@example.test")]),
        ("\"john doe\"@example.test", [Address(address: "\"john doe\"@example.test")]),
        ("ann@[192.0.2.1]", [Address(address: "ann@[192.0.2.1]")]),
        ("Ann <ann@example.test", [Address(name: "Ann", address: "ann@example.test")]),
        ("Ann <ann@example.test, bob@example.test",
         [Address(name: "Ann", address: "ann@example.test"), Address(address: "bob@example.test")]),
        ("  Ann   Example  <  ann@Example.TEST  >", [Address(name: "Ann Example", address: "ann@Example.TEST")]),
        ("ann @ example.test", [Address(address: "ann@example.test")]),
        ("localrecipient", [Address(address: "localrecipient")]),
        ("recipient1@example.com,recipient2@example.com, localrecipient",
         [Address(address: "recipient1@example.com"), Address(address: "recipient2@example.com"),
          Address(address: "localrecipient")]),
        ("<>", []),
        ("", []),
        ("just some words", []),
        ("<<<>>>,,;;::@@", []),
        ("Ann <ann@example.test> <bob@example.test>",
         [Address(name: "Ann", address: "ann@example.test"), Address(address: "bob@example.test")]),
        ("Müller <mueller@example.test>", [Address(name: "Müller", address: "mueller@example.test")]),
    ])
    func parses(value: String, expected: [Address]) {
        #expect(AddressParser.parse(value) == expected)
    }

    @Test func garbageNeverCrashes() {
        var generator = SeededGenerator(seed: 2047)
        let alphabet = Array("<>@,;:\"()[]\\ a.=?éq".unicodeScalars)
        for _ in 0..<2_000 {
            let length = Int.random(in: 0..<40, using: &generator)
            var text = ""
            for _ in 0..<length { text.unicodeScalars.append(alphabet.randomElement(using: &generator)!) }
            _ = AddressParser.parse(text)
        }
    }

    @Test func defectsForUnreadableMailboxes() {
        var defects: [Defect] = []
        _ = AddressParser.parse("just some words, ann@example.test", defects: &defects)
        #expect(defects.count == 1)
    }

    @Test(arguments: [
        (Address(address: "ann@example.test"), "ann@example.test"),
        (Address(name: "Ann Example", address: "ann@example.test"), "Ann Example <ann@example.test>"),
        (Address(name: "Example, Ann", address: "ann@example.test"), "\"Example, Ann\" <ann@example.test>"),
        (Address(name: "Ann \"Q\" Ex", address: "a@x.test"), #""Ann \"Q\" Ex" <a@x.test>"#),
        (Address(name: "André Pirard", address: "a@x.test"), "=?utf-8?q?Andr=C3=A9?= Pirard <a@x.test>"),
        (Address(name: "", address: "a@x.test"), "a@x.test"),
        (Address(name: "Ann\r\nBcc: evil@x.test", address: "a@x.test\r\n"), "\"Ann Bcc: evil@x.test\" <a@x.test>"),
    ])
    func rendersForHeaders(address: Address, expected: String) {
        #expect(address.rendered == expected)
        // What we write, we read back.
        let reparsed = AddressParser.parse(address.rendered)
        #expect(reparsed.count == 1)
        #expect(reparsed.first?.address == address.address.trimmingWhitespace)
    }

    @Test(arguments: [
        (Address(address: "ann@example.test"), "ann@example.test"),
        (Address(name: "Jörn Reder", address: "joern@example.test"), "Jörn Reder <joern@example.test>"),
        (Address(name: "Reder, Jörn", address: "joern@example.test"), "\"Reder, Jörn\" <joern@example.test>"),
    ])
    func describesForPeople(address: Address, expected: String) {
        #expect(address.description == expected)
    }
}
