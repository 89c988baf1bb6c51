import Testing
@testable import MIME

/// `text/plain; format=flowed` (RFC 3676) unwrapped where the text body is decoded.
@Suite("Format=flowed text")
struct FormatFlowedTests {
    @Test(arguments: [
        // (lines as sent, DelSp=yes, as read)
        (["The printer on the third floor has been ", "jammed since Monday and nobody can ", "print.", "Can you help?"], false,
         "The printer on the third floor has been jammed since Monday and nobody can print.\nCan you help?"),
        // A flowed line before an empty line ends the paragraph there.
        (["First paragraph ", "continues.", "", "Second."], false, "First paragraph continues.\n\nSecond."),
        // DelSp=yes: the space before the break was added by the sender (words split, CJK text).
        (["Die Zusammen ", "fassung folgt."], true, "Die Zusammenfassung folgt."),
        (["日本語の文章はスペースなしで ", "続きます。"], true, "日本語の文章はスペースなしで続きます。"),
        (["Die Zusammen ", "fassung folgt."], false, "Die Zusammen fassung folgt."),
        // Quote depth: a flowed line joins only the next line of the same depth; one ">" per level.
        (["Thanks, that worked.", "", "> Please restart the ", "> spooler and try ", "> again.", ">> Printing fails with ",
          ">> error 0x5.", "Anna"], false,
         "Thanks, that worked.\n\n> Please restart the spooler and try again.\n>> Printing fails with error 0x5.\nAnna"),
        // A different quote depth after a flowed line ends its paragraph (RFC 3676 section 4.5).
        (["> quoted and flowed ", "not quoted"], false, "> quoted and flowed \nnot quoted"),
        ([">quote without a space ", ">after the marks"], false, "> quote without a space after the marks"),
        ([">", "> after an empty quote line"], false, ">\n> after an empty quote line"),
        // Space-stuffing (section 4.4) is removed.
        ([" From the logs: ", " >5 errors a minute", "  indented"], false, "From the logs: >5 errors a minute\n indented"),
        // The signature separator "-- " is never flowed.
        (["Regards, ", "Anna", "-- ", "Anna Example, IT ", "Example Corp"], false, "Regards, Anna\n-- \nAnna Example, IT Example Corp"),
        (["Ends flowed "], false, "Ends flowed "),
        ([String](), false, ""),
    ] as [([String], Bool, String)])
    func unwraps(_ lines: [String], _ deleteSpace: Bool, _ expected: String) {
        #expect(FormatFlowed.unwrap(lines.joined(separator: "\n"), deleteSpace: deleteSpace) == expected)
    }

    @Test func trailingLineEndIsKept() {
        #expect(FormatFlowed.unwrap("soft \nbreak\n", deleteSpace: false) == "soft break\n")
        #expect(FormatFlowed.unwrap("open at the end \n", deleteSpace: false) == "open at the end \n")
    }

    @Test(arguments: [
        ("text/plain; charset=utf-8; format=flowed", "Our VPN client drops the connection every few minutes.\n\n> Which version?\n"),
        ("text/plain; charset=utf-8; format=Flowed; delsp=no", "Our VPN client drops the connection every few minutes.\n\n> Which version?\n"),
        ("text/plain; charset=utf-8; format=flowed; delsp=yes", "Our VPN client drops theconnection every fewminutes.\n\n> Whichversion?\n"),
        // Without the parameter the breaks are the sender's and stay.
        ("text/plain; charset=utf-8", "Our VPN client drops the \nconnection every few \nminutes.\n\n> Which \n> version?\n"),
        ("text/html; format=flowed", nil),
    ] as [(String, String?)])
    func messageTextBody(_ contentType: String, _ expected: String?) {
        let parsed = Message.parse(message([
            "From: Pat <pat@example.test>", "Subject: VPN", "Content-Type: \(contentType)", "",
            "Our VPN client drops the ", "connection every few ", "minutes.", "", "> Which ", "> version?", "",
        ]))
        if let expected {
            #expect(parsed.textBody == expected)
        } else {
            // HTML ignores the parameter: the rendered text keeps its words apart.
            #expect(parsed.textBody?.contains("drops the connection") == true)
        }
    }

    @Test func quotedPrintableFlowedText() {
        // A quoted-printable decoder drops trailing spaces (RFC 2045 section 6.7), so senders write "=20".
        let parsed = Message.parse(message([
            "Content-Type: text/plain; charset=utf-8; format=flowed", "Content-Transfer-Encoding: quoted-printable", "",
            "Das Caf=C3=A9 im Erdgeschoss hat=20", "wieder ge=C3=B6ffnet.", "",
        ]))
        #expect(parsed.textBody == "Das Café im Erdgeschoss hat wieder geöffnet.\n")
    }

    /// The reply extractor sees whole paragraphs, quotes kept line by line.
    @Test func replyIsReadFromUnwrappedText() {
        let parsed = Message.parse(message([
            "From: Pat <pat@example.test>", "Subject: Re: VPN", "Content-Type: text/plain; charset=utf-8; format=flowed", "",
            "Version 5.2 on Windows 11, and it still drops the ", "connection after the update.", "",
            "On Tue, 4 Mar 2025 at 10:12, Support <support@example.test> wrote:", "> Which version of the client are you ",
            "> running?", "",
        ]))
        #expect(parsed.textBody?.contains("> Which version of the client are you running?\n") == true)
        #expect(parsed.reply == "Version 5.2 on Windows 11, and it still drops the connection after the update.")
    }
}
