import Testing
@testable import MIME

/// A message built to hit one of the reader's limits, with the defect that limit must record.
struct HostileMessage: Sendable, CustomTestStringConvertible {
    var name: String
    /// The defect the limit records; nil when only "no crash, no hang" is asserted.
    var expectedDefect: Defect?
    var build: @Sendable () -> [UInt8]

    var testDescription: String { name }

    static let header = "From: a@example.test\r\nTo: b@example.test\r\nSubject: hostile\r\nMIME-Version: 1.0\r\n"

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    static let all: [HostileMessage] = [
        HostileMessage(name: "100,000 header lines", expectedDefect: .tooManyFields(limit: HeaderParser.maxFields)) {
            var text = header
            for index in 0..<100_000 { text += "X-Header-\(index): value\r\n" }
            return bytes(text + "\r\nbody\r\n")
        },
        HostileMessage(name: "a 10 MB header line", expectedDefect: .fieldTooLong(name: "X-Long", limit: HeaderParser.maxFieldLength)) {
            bytes(header + "X-Long: ") + [UInt8](repeating: 0x61, count: 10_000_000) + bytes("\r\n\r\nbody\r\n")
        },
        HostileMessage(name: "a 10 MB folded Subject", expectedDefect: .fieldTooLong(name: "Subject", limit: HeaderParser.maxFieldLength)) {
            var text = "Subject: start\r\n"
            let fold = " =?utf-8?Q?caf=C3=A9?= word\r\n"
            text += String(repeating: fold, count: 10_000_000 / fold.utf8.count)
            return bytes(text + "\r\nbody\r\n")
        },
        HostileMessage(name: "10,000 nested multiparts", expectedDefect: .nestedTooDeep(limit: PartParser.maxDepth)) {
            var text = header
            for level in 0..<10_000 {
                text += "Content-Type: multipart/mixed; boundary=\"b\(level)\"\r\n\r\n--b\(level)\r\n"
            }
            text += "Content-Type: text/plain\r\n\r\ninnermost\r\n"
            for level in (0..<10_000).reversed() { text += "--b\(level)--\r\n" }
            return bytes(text)
        },
        HostileMessage(name: "10,000 nested message/rfc822", expectedDefect: .nestedTooDeep(limit: PartParser.maxDepth)) {
            var text = ""
            for _ in 0..<10_000 { text += "Subject: layer\r\nContent-Type: message/rfc822\r\n\r\n" }
            return bytes(text + "Subject: core\r\n\r\ninnermost\r\n")
        },
        HostileMessage(name: "30 nested base64 message/rfc822 layers", expectedDefect: .nestedTooDeep(limit: PartParser.maxDepth)) {
            // Each layer base64-encodes the one inside: what was a size bomb for eager decoders.
            var inner = bytes("Subject: core\r\n\r\ninnermost\r\n")
            for _ in 0..<30 {
                inner = bytes("Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n") + Base64.encode(inner)
            }
            return bytes(header) + inner
        },
        HostileMessage(name: "100,000 parts", expectedDefect: .tooManyParts(limit: PartParser.maxParts)) {
            var text = header + "Content-Type: multipart/mixed; boundary=\"p\"\r\n\r\n"
            for index in 0..<100_000 { text += "--p\r\n\r\npart \(index)\r\n" }
            return bytes(text + "--p--\r\n")
        },
        HostileMessage(name: "100,000 empty parts", expectedDefect: .tooManyParts(limit: PartParser.maxParts)) {
            bytes(header + "Content-Type: multipart/alternative; boundary=\"p\"\r\n\r\n"
                + String(repeating: "--p\r\n", count: 100_000) + "--p--\r\n")
        },
        HostileMessage(name: "100,000 addresses in To:", expectedDefect: .tooManyAddresses(limit: AddressParser.maxAddresses)) {
            let list = (0..<100_000).map { "u\($0)@example.test" }.joined(separator: ", ")
            return bytes("From: a@example.test\r\nTo: \(list)\r\nSubject: many\r\n\r\nbody\r\n")
        },
        HostileMessage(name: "1,000 To: fields of 100 addresses", expectedDefect: nil) {
            let list = (0..<100).map { "\"Name \($0)\" <u\($0)@example.test>" }.joined(separator: ", ")
            return bytes("From: a@example.test\r\n" + String(repeating: "To: \(list)\r\n", count: 1_000) + "\r\nbody\r\n")
        },
        HostileMessage(name: "100,000 nested comments in From:", expectedDefect: nil) {
            bytes("From: " + String(repeating: "(", count: 60_000) + "a@example.test\r\n\r\nbody\r\n")
        },
        HostileMessage(name: "a 10 MB body line", expectedDefect: nil) {
            bytes(header + "Content-Type: text/plain; charset=utf-8\r\n\r\n") + [UInt8](repeating: 0x62, count: 10_000_000)
        },
        HostileMessage(name: "a 10 MB HTML line of tags", expectedDefect: nil) {
            bytes(header + "Content-Type: text/html\r\n\r\n" + String(repeating: "<p><b>x</b>&amp;<br>", count: 500_000))
        },
        HostileMessage(name: "unclosed HTML tags and comments", expectedDefect: nil) {
            bytes(header + "Content-Type: text/html\r\n\r\n" + String(repeating: "<script><!--<style><a href='", count: 50_000))
        },
        HostileMessage(name: "NUL bytes everywhere", expectedDefect: nil) {
            let text = bytes(header + "Content-Type: text/plain\r\n\r\nbody\r\n")
            return text.flatMap { $0 == ASCII.space ? [0, $0] : [$0] } + [UInt8](repeating: 0, count: 100_000)
        },
        HostileMessage(name: "invalid UTF-8 labelled UTF-8", expectedDefect: .invalidUTF8(charset: "utf-8", readAs: .latin1)) {
            bytes(header + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
                + Array(repeating: [0xC3, 0x28, 0xFF, 0xE2, 0x82], count: 20_000).flatMap(\.self)
        },
        HostileMessage(name: "a bogus charset", expectedDefect: .unknownCharset("x-no-such-charset", readAs: .utf8)) {
            bytes(header + "Content-Type: text/plain; charset=x-no-such-charset\r\n\r\nbody \u{E9}\r\n")
        },
        HostileMessage(name: "a bogus transfer encoding", expectedDefect: .unknownTransferEncoding("x-rot13")) {
            bytes(header + "Content-Type: text/plain\r\nContent-Transfer-Encoding: x-rot13\r\n\r\nbody\r\n")
        },
        HostileMessage(name: "10 MB of base64 junk", expectedDefect: nil) {
            bytes(header + "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n")
                + Array(repeating: Array("=a=*\r\n".utf8), count: 1_700_000).flatMap(\.self)
        },
        HostileMessage(name: "10 MB of quoted-printable escapes", expectedDefect: nil) {
            bytes(header + "Content-Type: text/plain; charset=iso-2022-jp\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                + String(repeating: "=1B$B=\r\n=ZZ", count: 800_000))
        },
        HostileMessage(name: "100,000 encoded words in Subject", expectedDefect: nil) {
            bytes("Subject: " + String(repeating: "=?utf-8?B?w6k=?= ", count: 3_500) + "\r\n\r\nbody\r\n")
        },
        HostileMessage(name: "1,000 RFC 2231 continuations", expectedDefect: nil) {
            var text = header + "Content-Type: application/pdf\r\nContent-Disposition: attachment"
            for index in 0..<1_000 { text += ";\r\n filename*\(index)*=%E2%82%AC" }
            return bytes(text + "\r\n\r\nbody\r\n")
        },
    ]
}
