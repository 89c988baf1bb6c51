import Foundation

/// Generated requests of the kinds a help desk sees: plain ASCII, accented text in
/// quoted-printable, follow-ups with a ticket token, and an occasional out-of-office reply.
enum MessageGenerator {
    static let words = ["printer", "invoice", "password", "VPN", "laptop", "urgent", "screen", "broken",
                        "cannot", "login", "please", "help", "thanks", "monday", "error", "network"]

    /// Requesters that exist on the test servers, so acknowledgements are delivered, not refused.
    static let requesters = ["alice", "erin", "frank"]

    static func sender(index: Int) -> String { "\(requesters[index % requesters.count])@example.test" }

    static func request(index: Int) -> [UInt8] {
        var random = SplitMix(seed: UInt64(index))
        let sender = sender(index: index)
        let subjectWords = (0..<4).map { _ in words[Int(random.next() % UInt64(words.count))] }.joined(separator: " ")
        var headers = [
            "From: Requester \(index) <\(sender)>",
            "To: support@example.test",
            "Message-ID: <bench-\(index)-\(random.next() % 1_000_000)@client.example.test>",
            "Date: Tue, 24 Nov 2026 10:00:00 +0000",
            "MIME-Version: 1.0",
        ]
        let kind = index % 10
        // Every fifth message follows up on an earlier ticket by its token.
        if kind == 4 && index > 10 {
            headers.append("Subject: Re: [SUPP-\(1 + Int(random.next() % UInt64(index / 2)))] \(subjectWords)")
        } else if kind == 9 {
            headers.append("Subject: Out of office")
            headers.append("Auto-Submitted: auto-replied")
        } else {
            headers.append("Subject: \(subjectWords) #\(index)")
        }
        let lines = 5 + Int(random.next() % 60)
        var body = ""
        for _ in 0..<lines {
            body += (0..<10).map { _ in words[Int(random.next() % UInt64(words.count))] }.joined(separator: " ") + "\r\n"
        }
        if kind == 2 {
            headers.append("Content-Type: text/plain; charset=iso-8859-1")
            headers.append("Content-Transfer-Encoding: quoted-printable")
            body = "Gr=FC=DFe aus K=F6ln,\r\n" + body
        } else {
            headers.append("Content-Type: text/plain; charset=utf-8")
        }
        return Array((headers.joined(separator: "\r\n") + "\r\n\r\n" + body).utf8)
    }
}

/// A small seeded generator, so every run delivers the same messages.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x1234_5678 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
