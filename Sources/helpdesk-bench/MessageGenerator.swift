import Foundation

/// Generated requests of the kinds a help desk sees, in a fixed mix per ten messages: plain
/// ASCII (3), accented Latin-1 in quoted-printable, a follow-up with a ticket token, text with
/// an HTML alternative, an HTML-only message, a file attached (10–60 KB, base64), Russian and
/// Japanese UTF-8 in base64 with an encoded-word subject, and an out-of-office reply.
enum MessageGenerator {
    static let words = ["printer", "invoice", "password", "VPN", "laptop", "urgent", "screen", "broken",
                        "cannot", "login", "please", "help", "thanks", "monday", "error", "network"]
    static let international = ["принтер", "не", "работает", "пожалуйста", "помогите", "プリンター", "が", "動きません", "至急", "お願いします"]

    /// Requesters that exist on the test servers, so acknowledgements are delivered, not refused.
    static let requesters = ["alice", "erin", "frank"]

    static func sender(index: Int) -> String { "\(requesters[index % requesters.count])@example.test" }

    /// What each message of the mix is.
    enum Kind: CaseIterable {
        case plain, latin1, followUp, alternative, htmlOnly, attachment, international, autoReply
    }

    static func kind(index: Int) -> Kind {
        switch index % 10 {
        case 2: .latin1
        case 4: index > 10 ? .followUp : .plain
        case 5: .alternative
        case 6: .attachment
        case 7: .international
        case 8: .htmlOnly
        case 9: .autoReply
        default: .plain
        }
    }

    static func request(index: Int) -> [UInt8] {
        var random = SplitMix(seed: UInt64(index))
        let sender = sender(index: index)
        func pick(_ list: [String], _ count: Int) -> String {
            (0..<count).map { _ in list[Int(random.next() % UInt64(list.count))] }.joined(separator: " ")
        }
        let subjectWords = pick(words, 4)
        var headers = [
            "From: Requester \(index) <\(sender)>",
            "To: support@example.test",
            "Message-ID: <bench-\(index)-\(random.next() % 1_000_000)@client.example.test>",
            "Date: Tue, 24 Nov 2026 10:00:00 +0000",
            "MIME-Version: 1.0",
        ]
        var text = ""
        for _ in 0..<(5 + Int(random.next() % 60)) { text += pick(words, 10) + "\r\n" }
        let kind = kind(index: index)
        switch kind {
        case .followUp: headers.append("Subject: Re: [SUPP-\(1 + Int(random.next() % UInt64(index / 2)))] \(subjectWords)")
        case .autoReply: headers += ["Subject: Out of office", "Auto-Submitted: auto-replied"]
        case .international: headers.append("Subject: =?UTF-8?B?\(Data(pick(international, 4).utf8).base64EncodedString())?= #\(index)")
        default: headers.append("Subject: \(subjectWords) #\(index)")
        }
        var body: String
        switch kind {
        case .latin1:
            headers += ["Content-Type: text/plain; charset=iso-8859-1", "Content-Transfer-Encoding: quoted-printable"]
            body = "Gr=FC=DFe aus K=F6ln,\r\n" + text
        case .alternative:
            headers.append("Content-Type: multipart/alternative; boundary=\"alt-\(index)\"")
            body = part("alt-\(index)", "text/plain; charset=utf-8", text) + part("alt-\(index)", "text/html; charset=utf-8", html(text)) + "--alt-\(index)--\r\n"
        case .htmlOnly:
            headers.append("Content-Type: text/html; charset=utf-8")
            body = html(text)
        case .attachment:
            var file = [UInt8](repeating: 0, count: 10_000 + Int(random.next() % 50_000))
            for offset in stride(from: 0, to: file.count, by: 8) {
                withUnsafeBytes(of: random.next()) { bytes in
                    for (step, byte) in bytes.enumerated() where offset + step < file.count { file[offset + step] = byte }
                }
            }
            let encoded = Data(file).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
            headers.append("Content-Type: multipart/mixed; boundary=\"mix-\(index)\"")
            body = part("mix-\(index)", "text/plain; charset=utf-8", text)
                + "--mix-\(index)\r\nContent-Type: application/octet-stream; name=\"log-\(index).bin\"\r\n"
                + "Content-Disposition: attachment; filename=\"log-\(index).bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + encoded + "\r\n--mix-\(index)--\r\n"
        case .international:
            var lines = ""
            for _ in 0..<(3 + Int(random.next() % 20)) { lines += pick(international, 8) + "\r\n" }
            headers += ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64"]
            body = Data(lines.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed]) + "\r\n"
        case .plain, .followUp, .autoReply:
            headers.append("Content-Type: text/plain; charset=utf-8")
            body = text
        }
        return Array((headers.joined(separator: "\r\n") + "\r\n\r\n" + body).utf8)
    }

    private static func part(_ boundary: String, _ type: String, _ content: String) -> String {
        "--\(boundary)\r\nContent-Type: \(type)\r\n\r\n\(content)\r\n"
    }

    private static func html(_ text: String) -> String {
        let paragraphs = text.split(separator: "\r\n").map { "<p style=\"margin:0\">\($0)</p>" }.joined(separator: "\r\n")
        return "<html><head><style>p { font-family: Arial; }</style></head><body>\r\n\(paragraphs)\r\n<div>-- <br>Sent from my phone</div></body></html>\r\n"
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
