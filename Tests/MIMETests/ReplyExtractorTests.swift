import Foundation
import MailgateTestSupport
import Testing
@testable import MIME

/// One body and the new text expected from it.
struct ReplyCase: Sendable, CustomTestStringConvertible {
    let name: String
    let input: String
    let expected: String
    var testDescription: String { name }

    init(_ name: String, _ input: String, _ expected: String) {
        self.name = name
        self.input = input
        self.expected = expected
    }
}

@Suite("Reply extraction: pattern families")
struct ReplyExtractorTests {
    // MARK: Attributions ("On … wrote:") in every language the corpus shows, and a few more

    static let attributionsCases: [ReplyCase] = [
        .init("English", "Thanks!\n\nOn Mon, Feb 1, 2016 at 4:58 AM, Ann Lee <ann@example.org> wrote:\n> Old text", "Thanks!"),
        .init(
            "English wrapped over three lines",
            "Fine.\n\nOn Dec 16, 2011, at 12:47 PM, Corey Donohoe\n<reply@example.org>\nwrote:\n\n> Old",
            "Fine."),
        .init(
            "English with the address wrapped after <",
            "One 1\n\nOn Thu, 31 Mar 2016 at 11:16 Some One\n\n<\nmailto:Some One <one@example.org>\n> wrote:\n\nTwo 2",
            "One 1"),
        .init("English, no blank line before it", "Yes.\nOn 5 May 2020, at 10:00, Bob wrote:\n> Old", "Yes."),
        .init("German Am … schrieb", "Hallo\n\nAm 03.02.2016 3:35 nachm. schrieb Max Muster <max@example.de>:\n\n> Alt", "Hallo"),
        .init(
            "German name first",
            "Okay.\n\nMax Muster <max@example.de> schrieb am Di., 16. Aug. 2016\num 12:52 Uhr:\n\n> Alt",
            "Okay."),
        .init("German with >: tail", "Gut.\n\nAm 21.04.2016 17:48 schrieb \"Einz Zwei\" <noreply@example.de\n>:\n\n> Alt", "Gut."),
        .init("French", "C'est super !\nLe 4 janv. 2016 19:03, \"Neil\"\n<neil@example.fr>\na écrit :\n\n> Ancien", "C'est super !"),
        .init("French, no-break space", "Merci.\n\nLe 2016-11-16 02:22, Erlend a écrit\u{00A0}:\n> Ancien", "Merci."),
        .init("Spanish", "Gracias.\n\nEl lun., 5 jun. 2017 a las 12:22, Ana (<ana@example.es>) escribió:\n> Viejo", "Gracias."),
        .init("Portuguese", "Olá,\n\nEm 2 de fevereiro de 2015 10:58, discourse <\ninfo@example.org> escreveu:\n\n> Velho", "Olá,"),
        .init(
            "Dutch",
            "Goed idee.\nOp 16 aug. 2014 05:13 schreef \"Jan\" <jan@example.nl> het\nvolgende geschreven:\n\n> Oud",
            "Goed idee."),
        .init("Polish W dniu … pisze", "Dzięki!\n\nW dniu 23.03.2017 o 21:25, Neil pisze:\n> Stare", "Dzięki!"),
        .init("Polish napisał(a)", "Dzięki!\n\n23 mar 2017 21:25 \"Neil\" <neil@example.pl> napisał(a):\n\n> Stare", "Dzięki!"),
        .init(
            "Russian",
            "Да.\n\n20 окт. 2016 г. 19:37 пользователь \"Rafael\" <\nmeta@example.org> написал:\n\n> Старое",
            "Да."),
        .init("Ukrainian", "Так.\n\n30 серп. 2016 р. 20:45 \"Arpit\" <no-reply@example.com> пише:\n\n> Старе", "Так."),
        .init("Swedish", "Tack!\n\nDen 5 juni 2017 12:22 skrev Foo Bar <foo@example.se>:\n\n> Gammal", "Tack!"),
        .init("Italian", "Grazie.\n\nIl giorno 5 giu 2017, alle ore 12:22, Anna <anna@example.it> ha scritto:\n\n> Vecchio", "Grazie."),
        .init("Gmail numeric date with address", "Thank you!\n\n2016-10-24 15:36 GMT+02:00 Foo bar <\ninfo@foo.bar>:\n\n> Old", "Thank you!"),
        .init("Gmail numeric date without address", "Before\n\n2016-03-03 17:21 GMT+01:00 Some One\n\nAfter", "Before"),
        .init("Gmail slash date", "Saved.\n\n\n2013/7/20 sam via Meta <info@example.org>\n\n| quoted the old way", "Saved."),
        .init("Several attributions: the first ends the reply", "3rd\n\nOn Mon, Feb 1, 2016, A <a@x.org> wrote:\n\n2nd\n\nOn Sun, Jan 31, 2016, B <b@x.org> wrote:\n\n1st", "3rd"),
    ]

    @Test(arguments: Self.attributionsCases)
    func attribution(_ reply: ReplyCase) {
        #expect(ReplyExtractor.newText(reply.input) == reply.expected)
    }

    // MARK: Clients and languages of issue 16 (the fixtures in Tests/Fixtures/replies have more)

    static let clientsAndLanguagesCases: [ReplyCase] = [
        .init(
            "Russian Gmail, old form",
            "Да.\n\nпонедельник, 6 октября 2014 г. пользователь Иван Петров <ivan@example.ru> написал:\n> Старое",
            "Да."),
        .init(
            "Russian Gmail, weekday first and the address wrapped",
            "Да.\n\nпонедельник, 6 октября 2014 г. пользователь Константин Константинопольский\n<k@example.ru> написал:\n> Старое",
            "Да."),
        .init("Russian Gmail without a verb", "Да.\n\nпн, 6 окт. 2014 г. в 10:00, Иван <ivan@example.ru>:\n> Старое", "Да."),
        .init("Japanese Gmail", "はい。\n\n2014年10月6日(月) 10:00 Taro Yamada <taro@example.jp>:\n> 古い", "はい。"),
        .init("Chinese, full-width colon", "好的。\n\n在 2014年10月6日 上午10:00，王伟 <wang@example.cn> 写道：\n> 旧", "好的。"),
        .init("Chinese Gmail, name first", "好的。\n\n王伟 <wang@example.cn> 于2014年10月6日周一 10:00写道：\n> 旧", "好的。"),
        .init("Korean Gmail", "네.\n\n2014년 10월 6일 (월) 오전 10:00, 홍길동 <hong@example.kr>님이 작성:\n> 옛", "네."),
        .init(
            "Hebrew Gmail with direction marks",
            "כן.\n\nבתאריך יום ב׳, 6 באוק׳ 2014 ב-10:00 מאת \u{202A}Name\u{202C}\u{200F} <\u{202A}name@example.il\u{202C}\u{200F}>:\u{202C}\n> ישן",
            "כן."),
        .init("Arabic Gmail", "نعم.\n\nفي الاثنين، 6 أكتوبر 2014 في 10:00 ص، كتب Name <name@example.sa>:\n> قديم", "نعم."),
        .init("Greek Gmail", "Ναι.\n\nΣτις Δευ, 6 Οκτ 2014 στις 10:00 π.μ., ο/η Name <n@example.gr> έγραψε:\n> Παλιό", "Ναι."),
        .init("Turkish Gmail, name first", "Evet.\n\nName <n@example.tr>, 6 Eki 2014 Pzt, 10:00 tarihinde şunu yazdı:\n> Eski", "Evet."),
        .init(
            "Zoho between dashes, without a colon",
            "Fine.\n\n---- On Tue, 22 Dec 2015 14:17:36 +0530 Ann <ann@example.org> wrote ----\n\nOld",
            "Fine."),
        .init("Eudora", "Yes.\n\nAt 6/16/2016 08:32 PM, you wrote:\n>Old", "Yes."),
        .init("Thunderbird without an address", "Ok.\n\nAnn 於 2014/10/6 10:00 寫道:\n> 舊", "Ok."),
        .init(
            "GMX block opening with the date",
            "Danke.\n\nGesendet: Montag, 06. Oktober 2014 um 10:00 Uhr\nVon: \"Support\" <s@example.de>\nAn: j@example.de\nBetreff: Re: x\n\nAlt",
            "Danke."),
        .init(
            "Foxmail block with full-width colons",
            "好。\n\n发件人： Support\n发送时间： 2014-10-06 10:00\n收件人： 王伟\n主题： Re: x\n\n旧",
            "好。"),
        .init("QQ Mail separator", "好。\n\n------------------ 原始邮件 ------------------\n发件人: \"S\"<s@example.cn>;\n\n旧", "好。"),
        .init("Greek Outlook block", "Ναι.\n\nΑπό: S <s@example.gr>\nΣτάλθηκε: Δευτέρα\nΠρος: N\nΘέμα: x\n\nΠαλιό", "Ναι."),
        .init("Hebrew Outlook block", "כן.\n\nמאת: S <s@example.il>\nנשלח: יום שני\nאל: N\nנושא: x\n\nישן", "כן."),
        .init("A name wrapped above the address", "Ok.\n\nSupport Team Of Example\n<s@example.org>, 6 Eki 2014 Pzt, 10:00 tarihinde şunu yazdı:\n> Eski", "Ok."),
        .init("Quote header and quote only: nothing new", "On Mon, Oct 6, 2014 at 10:00 AM Ann <ann@example.org> wrote:\n> Old\n> text", ""),
        .init("Original Message with nothing above it", "-----Original Message-----\nFrom: A\nSent: B\nTo: C\nSubject: D\n\nOld text", ""),
        .init("A year and wrote: in text stay", "In 2019 my boss wrote:\nPlease fix it.", "In 2019 my boss wrote:\nPlease fix it."),
        .init("Original: as a heading stays", "Original:\nold label\nFixed:\nnew label", "Original:\nold label\nFixed:\nnew label"),
    ]

    @Test(arguments: Self.clientsAndLanguagesCases)
    func clientsAndLanguages(_ reply: ReplyCase) {
        #expect(ReplyExtractor.newText(reply.input) == reply.expected)
    }

    @Test func foldingMakesCaseWidthAndMarksIrrelevant() {
        #expect(FoldedText("ΑΠΌ：") == FoldedText("από:"))
        #expect(FoldedText("İLETİ") == FoldedText("ileti"))
        #expect(FoldedText("ŁÓDŹ ŽLUŤOUČKÝ") == FoldedText("łódź žluťoučký"))
        #expect(FoldedText("\u{200F}מאת\u{202C}:") == FoldedText("מאת:"))
        #expect(FoldedText("ОТПРАВЛЕНО\u{3000}С") == FoldedText("отправлено с"))
    }

    // MARK: Outlook and forwarded messages

    static let outlookBlocksCases: [ReplyCase] = [
        .init(
            "Original Message",
            "Fine by me.\n\n-----Original Message-----\nFrom: Ann\nSent: Monday\nTo: Bob\nSubject: Plan\n\nOld text",
            "Fine by me."),
        .init(
            "Spanish Mensaje original",
            "Igual.\n\n-----Mensaje original-----\nDe: \"Miguel\" <m@example.es>\nEnviado: 16/02/2016\nPara: x\nAsunto: y\n\nViejo",
            "Igual."),
        .init("English header block", "Done.\n\nFrom: Ann <ann@example.org>\nSent: Friday\nTo: Bob\nSubject: Re: x\n\nOld", "Done."),
        .init("Bold header block", "Done.\n\n*From:* Ann\n*Sent:* 2016-01-27\n*To:* bob@example.org\n*Subject:* x\n\nOld", "Done."),
        .init("German header block", "Erledigt.\n\nVon: Anna\nGesendet: Montag, 5. Juni 2017 12:22\nAn: Bob\nBetreff: x\n\nAlt", "Erledigt."),
        .init("French header block", "Fait.\n\nDe : Anne\nEnvoyé : lundi 5 juin 2017 12:22\nÀ : Bob\nObjet : x\n\nAncien", "Fait."),
        .init("Dutch header block", "Klaar.\n\nVan: Anna\nVerzonden: maandag 5 juni 2017 12:22\nAan: Bob\nOnderwerp: x\n\nOud", "Klaar."),
        .init("Swedish header block", "Klart.\n\nFrån: Foo [mailto:foo@example.se]\nSkickat: den 5 juni 2017 12:22\nTill: x\nÄmne: y\n\nGammal", "Klart."),
        .init("Header block with Reply-To and Date", "Reply.\n\nFrom: A <a@x.org>\nReply-To: r@x.org\nDate: Monday\nTo: B\nSubject: VIS\n\nOld", "Reply."),
        .init("Underscore rule above headers", "Reply.\n________________________________\nFrom: A\nSent: B\n\nOld", "Reply."),
        .init("Long dash rule", "Reply.\n\n ------------------------------\n\n*From:* A\n\nOld", "Reply."),
        .init("Note above a forward", "FYI, see below.\n\n---------- Forwarded message ----------\nFrom: A <a@x.org>\nDate: Thu\nSubject: x\nTo: y\n\nForwarded body", "FYI, see below."),
        .init(
            "Forward without a note keeps the forwarded text",
            "---------- Forwarded message ----------\nFrom: A <a@x.org>\nDate: Thu\nSubject: long\nsubject\nTo: y\n\n\nThe forwarded text.",
            "The forwarded text."),
        .init("Apple Mail forward", "Look.\n\nBegin forwarded message:\n\nFrom: A <a@x.org>\nSubject: x\nDate: y\nTo: z\n\nBody", "Look."),
        .init("From line alone is text", "From: the support team\nWe fixed it.", "From: the support team\nWe fixed it."),
    ]

    @Test(arguments: Self.outlookBlocksCases)
    func outlookAndForwarded(_ reply: ReplyCase) {
        #expect(ReplyExtractor.newText(reply.input) == reply.expected)
    }

    // MARK: ">" quotes and inline replies

    static let quotesCases: [ReplyCase] = [
        .init("Trailing quote after text", "My answer.\n\n> Their question\n> more", "My answer."),
        .init("A bare quote without a header is kept", "> Email with only quote.", "> Email with only quote."),
        .init("Quote then text is kept", "> This is a quote.\n\nAnd this is some text.", "> This is a quote.\n\nAnd this is some text."),
        .init(
            "Inline reply keeps quotes between answers, drops the attribution and the trailing quote",
            "Hi,\nOn Tue, 2011-03-01 at 18:02, Ann wrote:\n> Question one\n\nAnswer one\n\n> Question two\n\nAnswer two\n\n> Rest of it",
            "Hi,\n> Question one\n\nAnswer one\n\n> Question two\n\nAnswer two"),
        .init(
            "Bottom posting keeps only the text under the quote",
            "On Mon, Aug 19, 2013 at 2:36 AM, Ann <\nann@example.org> wrote:\n\n> Old text\n>\n\nMy reply\nsecond line",
            "My reply\nsecond line"),
        .init("Supercite initials", "Answer.\n\nAB> quoted by initials\nAB> more", "Answer."),
        .init("Indented code with > is text", "Run this:\n\n    >>> print(1)\n    1", "Run this:\n\n    >>> print(1)\n    1"),
        .init("Comparison in prose is text", "If a>b then stop.", "If a>b then stop."),
    ]

    @Test(arguments: Self.quotesCases)
    func quotes(_ reply: ReplyCase) {
        #expect(ReplyExtractor.newText(reply.input) == reply.expected)
    }

    // MARK: Signatures and mobile footers

    static let signaturesCases: [ReplyCase] = [
        .init("Standard delimiter", "Text.\n\n-- \nJohn Doe\nACME", "Text."),
        .init("Delimiter without its space", "Text.\n\n--\nJohn Doe", "Text."),
        .init("Dashes inside a line are text", "A fix -- not a signature.\n\nBye", "A fix -- not a signature.\n\nBye"),
        .init("Markdown rules are text", "Part one\n\n---\n\nPart two\n***\nPart three", "Part one\n\n---\n\nPart two\n***\nPart three"),
        .init("Sent from my iPhone", "Here it is\n\nSent from my iPhone", "Here it is"),
        .init("Sent from my BlackBerry", "Here it is\n\nSent from my Verizon Wireless BlackBerry", "Here it is"),
        .init("Apology after the device", "Yes\n\nSent from my cell, please excuse any typos.", "Yes"),
        .init("Sent from my … that is a sentence", "Hi\n\nSent from my desk, is much easier then my mobile phone.", "Hi\n\nSent from my desk, is much easier then my mobile phone."),
        .init("Footer in the middle is text", "Sent from my iPhone\nbut that is beside the point.", "Sent from my iPhone\nbut that is beside the point."),
        .init("French footer", "Oui\n\nEnvoyé depuis mon iPhone", "Oui"),
        .init("German footer", "Ja\n\nVon meinem Mobilgerät gesendet", "Ja"),
        .init("German K-9 footer", "Ja\n\nDiese Nachricht wurde von meinem Android-Mobiltelefon mit K-9 Mail gesendet.", "Ja"),
        .init("Dutch footer", "Ja\n\nVerzonden met BlackBerry Work", "Ja"),
        .init("Spanish footer", "Sí\n\nEnviado desde mi iPhone", "Sí"),
        .init("Chinese footer", "好\n\n寄自我的 iPhone", "好"),
        .init("Simplified Chinese footer", "好\n\n从我的iPhone发送", "好"),
        .init("Japanese footer with a space", "はい\n\niPhone から送信", "はい"),
        .init("Korean footer", "네\n\n내 iPhone에서 보냄", "네"),
        .init("Turkish footer", "Evet\n\niPhone'umdan gönderildi", "Evet"),
        .init("Greek footer", "Ναι\n\nΣτάλθηκε από το iPhone μου", "Ναι"),
        .init("Hebrew footer", "כן\n\nנשלח מה-iPhone שלי", "כן"),
        .init("Czech footer", "Ano\n\nOdesláno z iPhonu", "Ano"),
        .init("Get Outlook for iOS", "Sure\n\nGet Outlook for iOS<https://aka.ms/o0ukef>", "Sure"),
        .init("Get Outlook for Android as a Markdown link", "Sure\n\nGet [Outlook for Android](https://aka.ms/ghei36)", "Sure"),
        .init("Footer above the quote", "Works.\n\nSent from my iPad\n\nOn 5 May 2020, at 10:00, Bob wrote:\n> Old", "Works."),
        .init("Bracketed footer", "Ok\n<<sent by galaxy>>\n(Sent from mobile device)", "Ok"),
    ]

    @Test(arguments: Self.signaturesCases)
    func signatures(_ reply: ReplyCase) {
        #expect(ReplyExtractor.newText(reply.input) == reply.expected)
    }

    // MARK: Text that must come through unchanged

    static let unchangedCases: [ReplyCase] = [
        .init("Empty", "", ""),
        .init("Only whitespace", " \n\t\n\n", ""),
        .init("Plain text", "Hello,\n\nthe printer is broken again.\n\nAnn", "Hello,\n\nthe printer is broken again.\n\nAnn"),
        .init("Wrote mid-sentence", "As the manual wrote: restart it.\nI wrote to them on 5 May.", "As the manual wrote: restart it.\nI wrote to them on 5 May."),
        .init("Opener without an attribution", "On this day\n\nI wrote something\n\nwhich was interesting.", "On this day\n\nI wrote something\n\nwhich was interesting."),
        .init("Line ending in a colon", "On your remote host you can run:\n\n    telnet 127.0.0.1 52698", "On your remote host you can run:\n\n    telnet 127.0.0.1 52698"),
        .init("Attribution-like without a date or address", "My boss wrote:\nPlease fix it.", "My boss wrote:\nPlease fix it."),
        .init("Leading and trailing blank lines trimmed", "\n\n\nText.\n\n\n", "Text."),
        .init("Indentation of the first line kept", "    code first\nthen text", "    code first\nthen text"),
        .init("CRLF line ends", "Reply\r\n\r\nOn 5 May 2020, Bob <b@x.org> wrote:\r\n> Old\r\n", "Reply"),
    ]

    @Test(arguments: Self.unchangedCases)
    func unchanged(_ reply: ReplyCase) {
        #expect(ReplyExtractor.newText(reply.input) == reply.expected)
    }

    // MARK: Properties

    /// Pieces random bodies are built from: every line kind, and bytes that stress the folding.
    static let pieces: [String] = [
        "", " ", "\t", "Hello there", "Thanks!", "On 5 May 2020, Ann <ann@example.org> wrote:", "On Mon, Feb 1, 2016 at",
        "<ann@example.org>", "wrote:", "> wrote:", ">:", "> quoted", ">", ">> deeper", "C> super", "-- ", "--",
        "________________", "------------------------------", "-----Original Message-----", "From: Ann", "Sent: today",
        "To: Bob", "Subject: hi", "Von: A", "Gesendet: B", "Sent from my iPhone", "Get Outlook for iOS", "寄自我的 iPhone",
        "Am 1.2.2020 schrieb Max <m@x.de>:", "2016-03-03 17:21 GMT+01:00 Some One", "    indented code", "é ł Д Ї",
        "a\u{00A0}écrit\u{00A0}:", "\r", "http://example.org", "[x](https://e.org)", "<<>>", "((", "\u{200B}", "ᐧ",
    ]

    static func randomBody(_ generator: inout SeededGenerator) -> String {
        let lineCount = Int.random(in: 0...30, using: &generator)
        var lines: [String] = []
        for _ in 0..<lineCount {
            if Int.random(in: 0..<5, using: &generator) == 0 {
                // Raw noise, including invalid UTF-8 that decoding repairs.
                let bytes = (0..<Int.random(in: 0...40, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
                lines.append(String(decoding: bytes, as: UTF8.self))
            } else {
                var line = pieces.randomElement(using: &generator)!
                if Bool.random(using: &generator) { line += " " + pieces.randomElement(using: &generator)! }
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Lines as the extractor reads them: split at LF bytes (a String would read CRLF as one
    /// character), with spaces, tabs and CRs at their ends ignored.
    static func comparableLines(_ text: String) -> [[UInt8]] {
        text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
            var bytes = Array(line)
            while let last = bytes.last, last == 0x20 || last == 0x09 || last == 0x0D { bytes.removeLast() }
            return bytes
        }
    }

    @Test func outputIsASelectionOfInputLinesAndNeverLonger() {
        var generator = SeededGenerator(seed: 0x5EED_2E91)
        for _ in 0..<3_000 {
            let input = Self.randomBody(&generator)
            let output = ReplyExtractor.newText(input)
            #expect(output.utf8.count <= input.utf8.count)
            guard !output.isEmpty else { continue }
            let inputLines = Set(Self.comparableLines(input))
            let strays = Self.comparableLines(output).filter { !inputLines.contains($0) }
            #expect(strays.isEmpty, "lines not in the input: \(strays) for input \(input.debugDescription)")
            let firstLine = output.utf8.prefix { $0 != 0x0A }
            #expect(!firstLine.allSatisfy { $0 == 0x20 || $0 == 0x09 }, "starts with a blank line: \(output.debugDescription)")
            let last = output.utf8.last ?? 0
            #expect(![0x20, 0x09, 0x0A, 0x0D].contains(last), "ends with whitespace: \(output.debugDescription)")
        }
    }

    @Test func extractingTwiceChangesNothingMoreForPlainText() {
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<500 {
            // Text of ordinary words only: nothing to remove, so the output is the input trimmed.
            let words = ["help", "printer", "broken", "please", "thanks", "ticket", "today", "again"]
            let lines = (0..<Int.random(in: 1...10, using: &generator)).map { _ in
                (0..<Int.random(in: 1...8, using: &generator)).map { _ in words.randomElement(using: &generator)! }
                    .joined(separator: " ")
            }
            let input = lines.joined(separator: "\n")
            #expect(ReplyExtractor.newText(input) == input)
        }
    }

    /// A quadratic pass would take minutes on these quarter-megabyte bodies, linear work takes
    /// milliseconds: the time limit is a hang guard, not a performance figure (the benchmark is).
    @Test(.timeLimit(.minutes(5))) func largeBodiesStayLinear() {
        let bodies = [
            String(repeating: "Hello there, the printer is broken.\n> quoted line\n\n", count: 5_000),
            String(repeating: "On 1 2 3 <a@b.c>\n", count: 15_000),
            String(repeating: "From: x\n", count: 30_000),
            String(repeating: "Sent from my iPhone\n", count: 12_500),
            String(repeating: "Am 1.2.2020 schrieb\n", count: 12_500),
            String(repeating: ">", count: 250_000),
            String(repeating: "x", count: 250_000),
            String(repeating: "\n", count: 250_000),
        ]
        for body in bodies {
            let reply = ReplyExtractor.newText(body)
            #expect(reply.utf8.count <= body.utf8.count, "\(body.prefix(20).debugDescription)…")
        }
    }
}
