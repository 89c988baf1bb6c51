import Foundation
import MIME
import Testing

/// Header values of the corpus, cross-checked against Python's `email` package
/// (policy.default) and by hand where the two readers disagree (see the notes by the rows).
@Suite("Corpus header expectations")
struct CorpusExpectationTests {
    static let rows: [(file: String, subject: String?, from: String?, messageID: String?, date: Int?)] = [
        ("mimetools-testmsgs/2002_06_12_doublebound.msg", "MIME handling bug demo", "lhecking@nmrc.ie", nil, nil),
        ("mimetools-testmsgs/ak-0696.msg", "[Fwd: Re: 34Mbit/s Netz]", "specht@kulturbox.de", nil, 835252517),
        ("mimetools-testmsgs/attachment-filename-encoding-Latin1.msg", nil, nil, nil, nil),
        ("mimetools-testmsgs/attachment-filename-encoding-UTF8.msg", nil, nil, nil, nil),
        ("mimetools-testmsgs/badbound.msg", "Mail System Error - Returned Mail", "Postmaster@challenge.uscom.com", "19961222222112.AAE16235@challenge.uscom.com", 851293272),
        ("mimetools-testmsgs/badfile.msg", "note the bogus filename", "holm@sitka.colorado.edu", nil, nil),
        ("mimetools-testmsgs/bluedot-postcard.msg", "A postcard for you", nil, nil, nil),
        ("mimetools-testmsgs/bluedot-simple.msg", nil, nil, nil, nil),
        ("mimetools-testmsgs/double-bound.msg", "test of double-boundary behavior", "eryq@rhine.gsfc.nasa.gov", nil, 829203030),
        ("mimetools-testmsgs/double-semicolon.msg", nil, nil, nil, nil),
        ("mimetools-testmsgs/double-semicolon2.msg", nil, nil, nil, nil),
        ("mimetools-testmsgs/dup-names.msg", "Two images for you...", "eryq@rhine.gsfc.nasa.gov", nil, 829203030),
        ("mimetools-testmsgs/empty-preamble.msg", nil, nil, nil, nil),
        ("mimetools-testmsgs/frag.msg", "[Fwd: [Fwd: [Fwd: FW: Another Priceless Moment]]]", "omrec@mailandnews.com", "392C2385.4C402C55@mailandnews.com", 959193989),
        ("mimetools-testmsgs/german-qp.msg", "Testnachricht", "joern@zyn.de", nil, 1135198964),
        ("mimetools-testmsgs/german.msg", "Re: 34Mbit/s Netz", "deuschle@mnh.telekom.de", "199606191814.SAA30680@ULM02.mnh.telekom.de", 835200722),
        ("mimetools-testmsgs/hdr-fakeout.msg", "test message 1", "russ@quist.on.ca", "20000519215502.A24482@quist.on.ca", 958787702),
        ("mimetools-testmsgs/infinite.msg", nil, nil, nil, nil),
        ("mimetools-testmsgs/intl.msg", "If you can read this you understand the example... so, cool!", "moore@cs.utk.edu", nil, nil),
        ("mimetools-testmsgs/jt-0498.msg", "Fwd: PC800: Tall Hondaline Windshield Distortion", "Gaffneydp@aol.com", "c8384e50.354898b3@aol.com", 893950130),
        ("mimetools-testmsgs/lennie.msg", "Test Mail Again", "lbj_ccsi@mindspring.com", "33D89532.29EA@atl.mindspring.com", 869831986),
        ("mimetools-testmsgs/mp-msg-rfc822.msg", "[Fwd: Re: 34Mbit/s Netz]", "specht@kulturbox.de", nil, 835252517),
        ("mimetools-testmsgs/multi-2evil.msg", "Two images for you...", "eryq@rhine.gsfc.nasa.gov", nil, 829203030),
        ("mimetools-testmsgs/multi-2gifs-base64.msg", "a multipart message/rfc822 which has been base64-encoded", nil, nil, nil),
        ("mimetools-testmsgs/multi-2gifs.msg", "Two images for you...", "eryq@rhine.gsfc.nasa.gov", nil, 829203030),
        // "-600": an obsolete three-digit zone, read as -06:00 (as Python does).
        ("mimetools-testmsgs/multi-bad.msg", "http://rhine.gsfc.nasa.gov:8080/ims-bin/v.b/imssearch", "holm@sitka.colorado.edu", nil, 809033457),
        ("mimetools-testmsgs/multi-badnames.msg", "Sample message", "nsb@bellcore.com", nil, nil),
        ("mimetools-testmsgs/multi-clen.msg", "Sample message", "nsb@bellcore.com", nil, nil),
        ("mimetools-testmsgs/multi-digest.msg", "Sample digest message", "nsb@bellcore.com", nil, nil),
        ("mimetools-testmsgs/multi-frag.msg", "A complex nested multipart example", "whorfin@yoyodyne.com", nil, nil),
        ("mimetools-testmsgs/multi-igor.msg", "Need help", "igor@fripp.aic.synapse.ru", nil, 834061839),
        ("mimetools-testmsgs/multi-igor2.msg", "Need help", "igor@fripp.aic.synapse.ru", nil, 834061839),
        ("mimetools-testmsgs/multi-nested.msg", "A complex nested multipart example", "whorfin@yoyodyne.com", nil, nil),
        ("mimetools-testmsgs/multi-nested2.msg", "A complex nested multipart example", "whorfin@yoyodyne.com", nil, nil),
        ("mimetools-testmsgs/multi-nested3.msg", "A complex nested multipart example", "whorfin@yoyodyne.com", nil, nil),
        ("mimetools-testmsgs/multi-simple.msg", "Sample message", "nsb@bellcore.com", nil, nil),
        ("mimetools-testmsgs/multi-weirdspace.msg", "Two images for you...", "eryq@rhine.gsfc.nasa.gov", nil, 829203030),
        ("mimetools-testmsgs/not-mime.msg", "Re: HELP! Problems installing PSNFSS, and other querys", "s.rahtz@elsevier.co.uk", nil, 792841098),
        ("mimetools-testmsgs/re-fwd.msg", "Re: Fwd: hello world", "user2", nil, 960261611),
        ("mimetools-testmsgs/russian.msg", "Greetings", nil, nil, nil),
        ("mimetools-testmsgs/sig-uu.msg", "Here's my UU'ed sig!", nil, nil, nil),
        ("mimetools-testmsgs/simple.msg", "Request for Leave", "eryq@rhine.gsfc.nasa.gov", nil, 819511140),
        ("mimetools-testmsgs/ticket-60931.msg", nil, nil, nil, nil),
        ("mimetools-testmsgs/twopart.msg", nil, "0647842285@uk.wowlg.com", "102.10200000000105", 1105513692),
        ("mimetools-testmsgs/uu-junk-target.msg", "mime::parser", "support@webmail.uwohali.com", "200004251134.GAA10264@webmail.uwohali.com", 956662483),
        ("mimetools-testmsgs/uu-junk.msg", "mime::parser", "support@webmail.uwohali.com", "200004251134.GAA10264@webmail.uwohali.com", 956662483),
        ("mimetools-testmsgs/uu-zeegee.msg", "uudecoding", "me", nil, nil),
        ("mimetools-testmsgs/x-gzip64.msg", "Testing!", nil, nil, nil),
        ("testmsgs/bad-newlines-multiple-parts-base64.msg", "a multipart message/rfc822 which has been base64-encoded", nil, nil, nil),
        ("testmsgs/bad-newlines-multiple-parts.msg", nil, nil, nil, nil),
        ("testmsgs/base64-encoded-text.msg", "a multipart message/rfc822 which has been base64-encoded as plain text", nil, nil, nil),
        ("testmsgs/base64encoded-rfc822message-nested.msg", "the body is a base64 encode rfc822 message including another base64 encoded rfc822 message", nil, nil, nil),
        ("testmsgs/base64encoded-rfc822message.msg", "a simple rfc822 message encoded in a base64 body.", nil, nil, nil),
        ("testmsgs/basic-plain-very-long-lines.msg", "Simple Subject", "foo@example.com", nil, 887219460),
        ("testmsgs/basic-plain-with-bad-header-separator.msg", "Simple Subject", "foo@example.com", nil, 887219460),
        ("testmsgs/basic-plain.msg", "Simple Subject", "foo@example.com", nil, 887219460),
        ("testmsgs/boundary-name-clash.msg", "test", nil, nil, nil),
        ("testmsgs/ending-boundaries.msg", nil, nil, nil, nil),
        ("testmsgs/example.msg", "This is an example of a multipart mixed email with image content", "robertburrelldonkin@blueyonder.co.uk", "1211726293.5772.10.camel@localhost", 1211726293),
        ("testmsgs/intermediate-boundaries.msg", nil, nil, nil, nil),
        ("testmsgs/malformedHeader-nocrlfcrlf.msg", "this is a subject", nil, nil, nil),
        ("testmsgs/malformedHeader-noheader.msg", nil, nil, nil, nil),
        ("testmsgs/malformedHeaderStartsBody-nocrlfcrlf.msg", "this is a subject", nil, nil, nil),
        ("testmsgs/malformedHeaderStartsBody-noheader.msg", nil, nil, nil, nil),
        ("testmsgs/misplaced-boundary.msg", nil, nil, nil, nil),
        ("testmsgs/missing-boundary.msg", nil, nil, nil, nil),
        ("testmsgs/missing-inner-boundary.msg", nil, nil, nil, nil),
        ("testmsgs/missing-inner-start-boundary.msg", nil, nil, nil, nil),
        ("testmsgs/multipartdigestnestedemptyparts.msg", nil, "me@example.com", nil, 829203030),
        ("testmsgs/multipartemptypart.msg", nil, "me@example.com", nil, 829203030),
        ("testmsgs/multipartnestedemptyparts.msg", nil, "me@example.com", nil, 829203030),
        ("testmsgs/multipartnestedemptypartsnorfc822.msg", nil, "me@example.com", nil, 829203030),
        ("testmsgs/multipartnopart.msg", nil, "me@example.com", nil, 829203030),
        // RFC 5322 4.5.3 allows white space before the colon; Python's reader misses this Subject.
        ("testmsgs/obsolete.msg", "The obsolete syntax allow spaces before the colon and also empty lines in folding.", nil, nil, nil),
        ("testmsgs/qp-body.msg", "subject", nil, nil, nil),
        ("testmsgs/russian-headers.msg", "A simple subject", nil, nil, nil),
        ("testmsgs/simple-attachment.msg", "Here is the attachment I was waiting for.", "bar@example.com", nil, 1177682903),
        ("testmsgs/very-long-boundary.msg", nil, nil, nil, nil),
        ("testmsgs/very-very-long-boundary.msg", nil, nil, nil, nil),
        ("testmsgs/weird-boundary.msg", nil, nil, nil, nil),
    ]

    @Test(arguments: rows)
    func headers(file: String, subject: String?, from: String?, messageID: String?, date: Int?) throws {
        guard let root = corpusDirectory() else {
            Issue.record("the corpus (Tests/Fixtures/corpus/mime) is missing from the checkout")
            return
        }
        let url = root.appendingPathComponent(file)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            Issue.record("corpus file missing: \(url.path); restore it from git")
            return
        }
        let message = Message.parse([UInt8](data))
        let collapsed = message.subject.map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        #expect(collapsed == subject, "subject")
        #expect(message.from.first?.address == from, "from")
        #expect(message.messageID == messageID, "message-id")
        #expect(message.date.map { Int($0.timeIntervalSince1970) } == date, "date")
    }
}
