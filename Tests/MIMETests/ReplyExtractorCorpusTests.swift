import Foundation
import Testing
@testable import MIME

/// The reply corpora in `Tests/Fixtures/corpus/replies`.
enum ReplyCorpus {
    /// `Tests/Fixtures/corpus/replies` under the package root (found from this file's path), or nil.
    static func directory(filePath: String = #filePath) -> URL? {
        let root = URL(fileURLWithPath: filePath)
            .deletingLastPathComponent()  // MIMETests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // package root
        let url = root.appendingPathComponent("Tests/Fixtures/corpus/replies")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue
        else { return nil }
        return url
    }

    static func read(_ url: URL) throws -> String {
        String(decoding: try Data(contentsOf: url), as: UTF8.self)
    }

    /// The oracle's "ignoring trailing whitespace": CRLF read as LF, spaces and tabs at the end of
    /// each line dropped, blank lines at the end dropped. Leading whitespace, blank lines inside
    /// the text and every other character still count, so real differences are not hidden.
    static func normalized(_ text: String) -> String {
        var lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in
                var line = Substring(line)
                while let last = line.last, last == " " || last == "\t" { line.removeLast() }
                return String(line)
            }
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        return lines.joined(separator: "\n")
    }
}

/// One GitHub email_reply_parser fixture and the new text a person would say it holds.
struct GitHubReplyFixture: Sendable, CustomTestStringConvertible {
    let file: String
    let expected: String
    var testDescription: String { file }
}

@Suite("Reply extraction against the Discourse and GitHub corpora")
struct ReplyExtractorCorpusTests {
    /// The issue's gate: at least 90% of Discourse's `emails/X` reduce exactly to `trimmed/X`.
    @Test func discourseExactMatchRateIsAtLeastNinetyPercent() throws {
        guard let replies = ReplyCorpus.directory() else {
            Issue.record("corpus folder Tests/Fixtures/corpus/replies is missing from the checkout")
            return
        }
        let emails = replies.appendingPathComponent("discourse/emails")
        let trimmed = replies.appendingPathComponent("discourse/trimmed")
        let names = try FileManager.default.contentsOfDirectory(atPath: emails.path).filter { !$0.hasPrefix(".") }.sorted()
        try #require(!names.isEmpty, "no files in \(emails.path)")
        var failing: [String] = []
        for name in names {
            let input = try ReplyCorpus.read(emails.appendingPathComponent(name))
            let expected = try ReplyCorpus.read(trimmed.appendingPathComponent(name))
            if ReplyCorpus.normalized(ReplyExtractor.newText(input)) != ReplyCorpus.normalized(expected) {
                failing.append(name)
            }
        }
        let rate = Double(names.count - failing.count) / Double(names.count)
        #expect(rate >= 0.90, "exact \(names.count - failing.count)/\(names.count); failing: \(failing.joined(separator: ", "))")
    }

    @Test(arguments: Self.gitHubFixtures)
    func gitHubFixture(_ fixture: GitHubReplyFixture) throws {
        guard let replies = ReplyCorpus.directory() else {
            Issue.record("corpus folder Tests/Fixtures/corpus/replies is missing from the checkout")
            return
        }
        let input = try ReplyCorpus.read(replies.appendingPathComponent("github/\(fixture.file)"))
        #expect(ReplyCorpus.normalized(ReplyExtractor.newText(input)) == ReplyCorpus.normalized(fixture.expected))
    }

    /// A very long ">>>>…" line and a line of "A>>>>…" must not make matching slow or lose the text.
    @Test func gitHubLongQuoteFixture() throws {
        guard let replies = ReplyCorpus.directory() else {
            Issue.record("corpus folder Tests/Fixtures/corpus/replies is missing from the checkout")
            return
        }
        let input = try ReplyCorpus.read(replies.appendingPathComponent("github/email_long_quote.txt"))
        let reply = ReplyExtractor.newText(input)
        #expect(reply.hasPrefix("Hi folks\n\nWhat is the best way to clear a Riak bucket"))
        #expect(reply.hasSuffix("I am currently using the Java HTTP API.\n\n-Abhishek Kona"))
        #expect(!reply.contains("riak-users mailing list"))
    }

    // Hand-checked: what the writer added, without quoted history, footers or list trailers.
    // Inline replies keep the quotes between the answers, as context for them.
    static let gitHubFixtures: [GitHubReplyFixture] = [
        .init(file: "correct_sig.txt", expected: "this is an email with a correct -- signature."),
        .init(file: "email_1_1.txt", expected: """
            Hi folks

            What is the best way to clear a Riak bucket of all key, values after
            running a test?
            I am currently using the Java HTTP API.

            -Abhishek Kona
            """),
        .init(file: "email_1_2.txt", expected: """
            Hi,
            > Hi folks
            >
            > What is the best way to clear a Riak bucket of all key, values after
            > running a test?
            > I am currently using the Java HTTP API.

            You can list the keys for the bucket and call delete for each. Or if you
            put the keys (and kept track of them in your test) you can delete them
            one at a time (without incurring the cost of calling list first.)

            Something like:

                    String bucket = "my_bucket";
                    BucketResponse bucketResponse = riakClient.listBucket(bucket);
                    RiakBucketInfo bucketInfo = bucketResponse.getBucketInfo();

                    for(String key : bucketInfo.getKeys()) {
                        riakClient.delete(bucket, key);
                    }


            would do it.

            See also

            http://wiki.basho.com/REST-API.html#Bucket-operations

            which says

            "At the moment there is no straightforward way to delete an entire
            Bucket. There is, however, an open ticket for the feature. To delete all
            the keys in a bucket, you’ll need to delete them all individually."
            """),
        .init(file: "email_1_3.txt", expected: """
            Oh thanks.

            Having the function would be great.

            -Abhishek Kona
            """),
        .init(file: "email_1_4.txt", expected: "Awesome! I haven't had another problem with it."),
        .init(file: "email_1_5.txt", expected: """
            One: Here's what I've got.

            - This would be the first bullet point that wraps to the second line
            to the next
            - This is the second bullet point and it doesn't wrap
            - This is the third bullet point and I'm having trouble coming up with enough
            to say
            - This is the fourth bullet point

            Two:
            - Here is another bullet point
            - And another one

            This is a paragraph that talks about a bunch of stuff. It goes on and on
            for a while.
            """),
        .init(file: "email_1_6.txt", expected: "I get proper rendering as well."),
        .init(file: "email_1_7.txt", expected: ":+1:"),
        .init(file: "email_1_8.txt", expected: """
            > okay.  Well, here's some stuff I can write.
            >
            > And if I write a 2 second line you and maybe reply under this?
            >
            > Or if you didn't really feel like it, you could reply under this line.Or
            > if you didn't really feel like it, you could reply under this line. Or if
            > you didn't really feel like it, you could reply under this line. Or if you
            > didn't really feel like it, you could reply under this line.
            >

            I will reply under this one

            >
            > okay?
            >

            and under this.
            """),
        .init(file: "email_2_1.txt", expected: "Outlook with a reply"),
        .init(file: "email_2_2.txt", expected: "Outlook with a reply directly above line"),
        .init(file: "email_2_3.txt", expected: "Outlook with a reply directly above line"),
        .init(file: "email_BlackBerry.txt", expected: "Here is another email"),
        .init(file: "email_bullets.txt", expected: """
            test 2 this should list second

            and have spaces

            and retain this formatting


               - how about bullets
               - and another
            """),
        .init(file: "email_iPhone.txt", expected: "Here is another email"),
        .init(file: "email_multi_word_sent_from_my_mobile_device.txt", expected: "Here is another email"),
        .init(file: "email_one_is_not_on.txt", expected: """
            Thank, this is really helpful.

            One outstanding question I had:

            Locally (on development), when I run...
            """),
        .init(file: "email_sent_from_my_not_signature.txt", expected: """
            Here is another email

            Sent from my desk, is much easier then my mobile phone.
            """),
        .init(file: "email_sig_delimiter_in_middle_of_line.txt", expected: """
            Hi there!

            Stuff happened.

            And here is a fix -- this is not a signature.

            kthxbai
            """),
        .init(file: "greedy_on.txt", expected: """
            On your remote host you can run:

                 telnet 127.0.0.1 52698

            This should connect to TextMate (on your Mac, via the tunnel). If that
            fails, the tunnel is not working.
            """),
        .init(file: "pathological.txt", expected: """
            I think you're onto something. I will try to fix the problem as soon as I
            get back to a computer.
            """),
    ]
}
