/// The service extensions (RFC 5321 section 4.1.1.1) the SMTP server of the current connection
/// announced, read from the server lines libcurl's debug callback sees: libcurl keeps what it
/// learns from EHLO to itself.
struct SMTPExtensions {
    /// Upper-cased keywords (`SMTPUTF8`, `8BITMIME`, `SIZE` …); nil until the EHLO answer of the
    /// current connection has been read.
    private(set) var keywords: Set<String>?
    /// After a greeting the next reply is the one to EHLO (libcurl sends nothing in between).
    private var awaitingEHLOReply = false
    private var collected: Set<String> = []
    private var firstReplyLine = true

    /// Whether the current connection's server offers `keyword`; false while unknown.
    func offers(_ keyword: String) -> Bool { keywords?.contains(keyword) == true }

    /// Reads one line the server sent.
    mutating func read(_ line: String) {
        let code = line.prefix(3)
        let final = line.count == 3 || line.dropFirst(3).first == " "
        if code == "220" {
            // A new connection's greeting, or the answer to STARTTLS: either way a new EHLO follows
            // and what was known before no longer holds.
            keywords = nil
            awaitingEHLOReply = true
            collected = []
            firstReplyLine = true
            return
        }
        guard awaitingEHLOReply else { return }
        guard code == "250" else {
            // EHLO refused: libcurl falls back to HELO, which has no extensions.
            if final {
                keywords = []
                awaitingEHLOReply = false
            }
            return
        }
        // The first line names the server; each further one starts with a keyword.
        if !firstReplyLine, let keyword = line.dropFirst(4).split(separator: " ").first {
            collected.insert(keyword.uppercased())
        }
        firstReplyLine = false
        if final {
            keywords = collected
            awaitingEHLOReply = false
        }
    }
}
