import HelpdeskCore
import MailgateTestSupport
import Testing

@Suite("Authentication-Results")
struct AuthenticationResultsTests {
    struct Case: Sendable, CustomTestStringConvertible {
        enum Expected: Sendable {
            case verified(String)
            /// notVerified with a reason that contains this text.
            case notVerified(String)
        }

        var name: String
        var headers: [String]
        var trusted = "mx.example.com"
        var from = "example.com"
        var expected: Expected
        var testDescription: String { name }
    }

    static let microsoft365 = """
        spf=pass (sender IP is 209.85.220.41) smtp.mailfrom=example.com; dkim=pass (signature was verified) \
        header.d=example.com;dmarc=pass action=none header.from=example.com;compauth=pass reason=100
        """

    static let cases: [Case] = [
        Case(name: "Gmail, dmarc pass", headers: ["""
            mx.google.com;\r
                   dkim=pass header.i=@example.com header.s=20230601 header.b=Ab12Cd34;\r
                   spf=pass (google.com: domain of alice@example.com designates 209.85.220.41 as permitted sender) smtp.mailfrom=alice@example.com;\r
                   dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=example.com
            """], trusted: "mx.google.com", expected: .verified("dmarc")),
        Case(name: "Gmail, dkim pass via header.i, no dmarc", headers: [
            "mx.google.com; dkim=pass header.i=@example.com header.s=s1 header.b=xYz; spf=neutral (google.com: 1.2.3.4 is neither permitted nor denied) smtp.mailfrom=alice@example.com",
        ], trusted: "mx.google.com", expected: .verified("dkim")),
        Case(name: "Gmail, dmarc bestguesspass is not pass", headers: [
            "mx.google.com; spf=pass smtp.mailfrom=alice@example.com; dmarc=bestguesspass header.from=example.com",
        ], trusted: "mx.google.com", expected: .notVerified("shows dmarc=bestguesspass")),
        Case(name: "aligned dkim on the parent of a subdomain From", headers: [
            "mx.example.com; dkim=pass header.d=example.com header.s=k1",
        ], from: "mail.example.com", expected: .verified("dkim")),
        Case(name: "dkim pass for an ESP, dmarc fail", headers: [
            "mx.example.com; dkim=pass header.d=mailchimp.com header.i=@mailchimp.com; spf=pass smtp.mailfrom=bounce.mcsv.net; dmarc=fail (p=none dis=none) header.from=example.com",
        ], expected: .notVerified("shows dmarc=fail, dkim=pass for mailchimp.com, which is not aligned with example.com")),
        Case(name: "dkim pass for an ESP alone", headers: [
            "mx.example.com; dkim=pass header.d=mailchimp.com",
        ], expected: .notVerified("not aligned")),
        Case(name: "a look-alike domain is not a subdomain", headers: [
            "mx.example.com; dkim=pass header.d=ample.com; dkim=pass header.d=notexample.com",
        ], expected: .notVerified("dkim=pass for ample.com")),
        Case(name: "a signature by a subdomain does not cover the parent (the rule given)", headers: [
            "mx.example.com; dkim=pass header.d=mail.example.com",
        ], expected: .notVerified("not aligned")),
        Case(name: "dmarc fail, exact reason", headers: [
            "mx.example.com; dmarc=fail (p=none dis=none) header.from=example.com",
        ], expected: .notVerified("the message's Authentication-Results from mx.example.com shows dmarc=fail")),
        Case(name: "topmost from another host claims pass, ours below", headers: [
            "evil.example.net; dmarc=pass header.from=example.com; dkim=pass header.d=example.com",
            "mx.example.com; dmarc=pass header.from=example.com",
        ], expected: .notVerified("is from evil.example.net, not from mx.example.com")),
        Case(name: "ours says fail, a forged one below with our id says pass", headers: [
            "mx.example.com; dmarc=fail header.from=example.com",
            "mx.example.com; dmarc=pass header.from=example.com",
        ], expected: .notVerified("dmarc=fail")),
        Case(name: "trusted header second, first from another host", headers: [
            "relay.partner.net; spf=pass smtp.mailfrom=example.com",
            "mx.example.com; dkim=pass header.d=example.com",
        ], expected: .notVerified("relay.partner.net")),
        Case(name: "header.from is another domain", headers: [
            "mx.example.com; dmarc=pass (p=reject) header.from=attacker.net",
        ], expected: .notVerified("dmarc=pass for attacker.net, not for example.com")),
        Case(name: "header.from mismatch but dkim aligned", headers: [
            "mx.example.com; dmarc=pass header.from=attacker.net; dkim=pass header.d=example.com",
        ], expected: .verified("dkim")),
        Case(name: "dmarc pass without header.from", headers: [
            "mx.example.com; dmarc=pass",
        ], expected: .verified("dmarc")),
        Case(name: "comments everywhere, nested, with semicolons", headers: [
            "mx.example.com (our (inner) MTA; v2) (x); (lead) dkim (method) = (result) pass (good signature; 2048 bits) header.d = (signer) example.com (end)",
        ], expected: .verified("dkim")),
        Case(name: "comment hides a fake pass", headers: [
            "mx.example.com; dmarc=fail (dmarc=pass header.from=example.com) header.from=example.com",
        ], expected: .notVerified("dmarc=fail")),
        Case(name: "version after authserv-id", headers: [
            "mx.example.com 1; dmarc=pass header.from=example.com",
        ], expected: .verified("dmarc")),
        Case(name: "none", headers: ["mx.example.com; none"], expected: .notVerified("shows no authentication results")),
        Case(name: "version and none", headers: ["mx.example.com 1 ; none"], expected: .notVerified("no authentication results")),
        Case(name: "quoted values and quoted authserv-id", headers: [
            #""mx.example.com"; dkim=pass header.d="example.com" header.b="ab;cd=""#,
        ], expected: .verified("dkim")),
        Case(name: "mixed case", headers: [
            "MX.Example.COM; DMARC=PASS Header.From=EXAMPLE.COM",
        ], from: "Example.Com", expected: .verified("dmarc")),
        Case(name: "unknown methods ignored", headers: [
            "mx.example.com; x-foo=pass header.d=example.com; arc=pass; spf=pass smtp.mailfrom=example.com",
        ], expected: .notVerified("no dmarc or dkim result (only x-foo=pass, arc=pass, spf=pass)")),
        Case(name: "Microsoft 365 header has no authserv-id", headers: [microsoft365],
             expected: .notVerified("names no server")),
        Case(name: "Microsoft 365 compauth below our Postfix OpenDKIM header", headers: [
            "mx.example.com; dkim=pass (2048-bit key; unprotected) header.d=example.com header.i=@example.com header.b=\"AbCd\"",
            microsoft365,
        ], expected: .verified("dkim")),
        Case(name: "Postfix OpenDMARC", headers: [
            "mail.example.org; dmarc=pass (p=reject dis=none) header.from=example.com",
        ], trusted: "mail.example.org", expected: .verified("dmarc")),
        Case(name: "OpenDMARC with job id", headers: [
            "mail.example.org/4BX2Lq0F3Hz9; dmarc=pass (p=none dis=none) header.from=example.com",
        ], trusted: "mail.example.org", expected: .verified("dmarc")),
        Case(name: "a host that only starts with ours", headers: [
            "mail.example.org.evil.net; dmarc=pass header.from=example.com",
        ], trusted: "mail.example.org", expected: .notVerified("mail.example.org.evil.net")),
        Case(name: "Postfix OpenDKIM, folded", headers: [
            "mail.example.org;\r\n\tdkim=pass (2048-bit key; unprotected) header.d=example.com header.i=@example.com header.a=rsa-sha256 header.s=default header.b=Xk5s+4aB",
        ], trusted: "mail.example.org", expected: .verified("dkim")),
        Case(name: "Postfix OpenDKIM fail", headers: [
            #"mail.example.org; dkim=fail reason="signature verification failed" (1024-bit key) header.d=example.com header.b=abc"#,
        ], trusted: "mail.example.org", expected: .notVerified("dkim=fail")),
        Case(name: "OpenDMARC on top of OpenDKIM: only the top one counts", headers: [
            "mail.example.org; dmarc=none (p=none dis=none) header.from=example.com",
            "mail.example.org; dkim=pass header.d=example.com",
        ], trusted: "mail.example.org", expected: .notVerified("dmarc=none")),
        Case(name: "method version", headers: ["mx.example.com; dkim/1=pass header.d=example.com"], expected: .verified("dkim")),
        Case(name: "dkim pass without a domain", headers: ["mx.example.com; dkim=pass header.s=k1"],
             expected: .notVerified("dkim=pass without a signing domain")),
        Case(name: "header.i with a local part", headers: ["mx.example.com; dkim=pass header.i=alice@example.com"],
             expected: .verified("dkim")),
        Case(name: "second of two dkim results aligned", headers: [
            "mx.example.com; dkim=pass header.d=mailchimp.com; dkim=pass header.d=example.com",
        ], expected: .verified("dkim")),
        Case(name: "trailing dots", headers: ["mx.example.com; dmarc=pass header.from=example.com."], from: "example.com.",
             expected: .verified("dmarc")),
        Case(name: "field name left in the value", headers: [
            "Authentication-Results: mx.example.com; dmarc=pass header.from=example.com",
        ], expected: .verified("dmarc")),
        Case(name: "no header at all", headers: [], expected: .notVerified("no Authentication-Results header")),
        Case(name: "no From domain", headers: ["mx.example.com; dmarc=pass"], from: "",
             expected: .notVerified("no domain")),
        Case(name: "nothing trusted", headers: ["mx.example.com; dmarc=pass"], trusted: " ",
             expected: .notVerified("no Authentication-Results server is trusted")),
    ]

    @Test("evaluates real-world shaped headers", arguments: cases)
    func evaluate(_ test: Case) {
        let result = AuthenticationResults.evaluate(headers: test.headers, trustedAuthservID: test.trusted, fromDomain: test.from)
        switch (test.expected, result) {
        case (.verified(let expected), .verified(let method)):
            #expect(method == expected)
        case (.notVerified(let expected), .notVerified(let reason)):
            #expect(reason.contains(expected), "\(reason)")
        default:
            Issue.record("expected \(test.expected), got \(result)")
        }
    }

    static let garbage: [String] = [
        "", " ", ";", ";;;", "=", "==;==", "(", ")", "((((", "))))", "\"", "\"\\", "(\\", "\\",
        "mx.example.com", "mx.example.com;", "mx.example.com; =pass", "mx.example.com; dkim=", "mx.example.com; dkim",
        "mx.example.com; dmarc=pass header.from=", "mx.example.com; dmarc=fail (unclosed header.from=example.com",
        "mx.example.com; dmarc=\"fail", "mx.example.com; a=b=c=d; ;; ==", "\u{0}\u{1}\r\n\t", "😀; 😀=😀 😀.😀=😀",
        "mx.example.com; dkim=pass header.d=@", "mx.example.com; dkim=pass header.i=@@@", "@; @=@",
        String(repeating: "(", count: 10_000), String(repeating: "a=b; ", count: 2_000),
    ]

    @Test("garbage never crashes and never verifies", arguments: garbage)
    func garbageInput(header: String) {
        for headers in [[header], [header, "mx.example.com; dmarc=pass"], ["mx.example.com; dmarc=fail", header]] {
            let result = AuthenticationResults.evaluate(headers: headers, trustedAuthservID: "mx.example.com", fromDomain: "example.com")
            #expect(result != .verified(method: "dmarc") && result != .verified(method: "dkim"))
        }
    }

    @Test("random text from header characters never crashes", arguments: 0..<4)
    func fuzz(seed: UInt64) {
        var generator = SeededGenerator(seed: seed &+ 0x9E37_79B9_7F4A_7C15)
        func next() -> UInt64 { generator.next() }
        let pieces = ["mx.example.com", ";", "=", "(", ")", "\"", "\\", " ", "\r\n\t", "dkim", "dmarc", "pass", "header.d",
                      "header.from", "header.i", "@", "example.com", ".", "/", "1", "none", "é"]
        for _ in 0..<500 {
            let text = (0..<Int(next() % 40)).map { _ in pieces[Int(next() % UInt64(pieces.count))] }.joined()
            _ = AuthenticationResults.evaluate(headers: [text, text], trustedAuthservID: "mx.example.com", fromDomain: "example.com")
        }
    }
}
