/// What a trusted Authentication-Results header says about the From domain.
public enum SenderAuthentication: Sendable, Equatable {
    /// The From domain is proven by `method` ("dmarc" or "dkim").
    case verified(method: String)
    /// Nothing trusted proves the From domain; `reason` is shown to the agent.
    case notVerified(reason: String)
}

/// Evaluates RFC 8601 `Authentication-Results` header fields added by our own MTA.
public enum AuthenticationResults {
    /// `headers`: the values of every Authentication-Results field, topmost first (as they appear in the message). Only the topmost header whose authserv-id equals `trustedAuthservID` (case-insensitive) counts — if the topmost Authentication-Results has another authserv-id, or none is trusted, it is notVerified (an attacker can add their own headers below ours but our MTA adds its header on top). Verified when that header shows `dmarc=pass` (with header.from equal to the From domain when given), or `dkim=pass` whose `header.d` is aligned with `fromDomain` (relaxed alignment: `fromDomain == d` or `fromDomain` ends with "." + d). Anything else → notVerified with a reason an agent can understand.
    public static func evaluate(headers: [String], trustedAuthservID: String, fromDomain: String) -> SenderAuthentication {
        let trusted = trustedAuthservID.trimmingSpaces().lowercased()
        guard !trusted.isEmpty else { return .notVerified(reason: "no Authentication-Results server is trusted") }
        guard let top = headers.first else {
            return .notVerified(reason: "the message has no Authentication-Results header from \(trusted)")
        }
        let header = Header(parsing: top)
        guard let authserv = header.authservID else {
            return .notVerified(reason: "the topmost Authentication-Results header names no server, so it is not the one \(trusted) adds")
        }
        guard matches(authserv, trusted: trusted) else {
            // The id may be anyone's text: keep what the agent reads short.
            let shown = authserv.count > 80 ? authserv.prefix(77) + "..." : authserv
            return .notVerified(reason: "the topmost Authentication-Results header is from \(shown), not from \(trusted)")
        }
        let from = domain(fromDomain)
        let prefix = "the message's Authentication-Results from \(authserv) shows"
        guard !from.isEmpty else { return .notVerified(reason: "the sender address has no domain to check") }
        guard !header.results.isEmpty else { return .notVerified(reason: "\(prefix) no authentication results") }

        var findings: [String] = []
        for result in header.results where result.method == "dmarc" {
            let checked = result.properties["header.from"].map(domain)
            if result.result == "pass" {
                guard let checked, checked != from else { return .verified(method: "dmarc") }
                findings.append(checked.isEmpty ? "dmarc=pass without a header.from domain" : "dmarc=pass for \(checked), not for \(from)")
            } else {
                findings.append("dmarc=\(result.result)")
            }
        }
        for result in header.results where result.method == "dkim" {
            // header.i's domain stands in when a verifier omits header.d (it must be within d).
            let signer = (result.properties["header.d"] ?? result.properties["header.i"]).map(domain) ?? ""
            if result.result == "pass" {
                if !signer.isEmpty, from == signer || from.hasSuffix("." + signer) { return .verified(method: "dkim") }
                findings.append(signer.isEmpty
                    ? "dkim=pass without a signing domain"
                    : "dkim=pass for \(signer), which is not aligned with \(from)")
            } else {
                findings.append("dkim=\(result.result)")
            }
        }
        if findings.isEmpty {
            let others = header.results.map { "\($0.method)=\($0.result)" }.joined(separator: ", ")
            return .notVerified(reason: "\(prefix) no dmarc or dkim result (only \(others))")
        }
        return .notVerified(reason: "\(prefix) \(findings.joined(separator: ", "))")
    }

    /// Exact match, or with a job id after "/" (OpenDMARC's AuthservIDWithJobID writes `host/QUEUEID`).
    private static func matches(_ authserv: String, trusted: String) -> Bool {
        let id = authserv.lowercased()
        return id == trusted || id.hasPrefix(trusted + "/")
    }

    /// The domain of a property value: `@example.com` and `user@example.com` give `example.com`;
    /// lower-cased without a trailing dot.
    private static func domain(_ value: String) -> String {
        var text = value.trimmingSpaces()
        if let at = text.lastIndex(of: "@") { text = text[text.index(after: at)...] }
        while text.hasSuffix(".") { text = text.dropLast() }
        return text.lowercased()
    }

    /// One method result: `dkim=pass header.d=example.com`.
    struct Result {
        var method: String
        var result: String
        /// `ptype.property` (lower-cased) → value; the first of repeated properties wins.
        var properties: [String: String]
    }

    /// The parts of one header value that matter here.
    struct Header {
        var authservID: String?
        var results: [Result] = []

        init(parsing value: String) {
            var text = Substring(value).trimmingSpaces()
            // Tolerate a value passed with its field name.
            let name = "authentication-results:"
            if text.lowercased().hasPrefix(name) { text = text.dropFirst(name.count) }
            let segments = Self.segments(text)
            guard let first = segments.first else { return }
            // Microsoft 365 writes results without an authserv-id: "spf=pass …; dkim=…".
            if !first.contains(.equals), case let .text(id)? = first.first {
                authservID = id
            }
            for segment in segments.dropFirst(authservID == nil ? 0 : 1) {
                var pairs: [(key: String, value: String)] = []
                var index = 0
                while index < segment.count {
                    if index + 1 < segment.count, case .text(let key) = segment[index], segment[index + 1] == .equals {
                        // A property with no value stays, empty: "header.from=" must not read as absent.
                        if index + 2 < segment.count, case .text(let value) = segment[index + 2] {
                            pairs.append((key.lowercased(), value))
                            index += 3
                        } else {
                            pairs.append((key.lowercased(), ""))
                            index += 2
                        }
                    } else {
                        index += 1
                    }
                }
                guard case let (method, result)? = pairs.first else { continue }
                var properties: [String: String] = [:]
                for pair in pairs.dropFirst() where properties[pair.key] == nil {
                    properties[pair.key] = pair.value
                }
                // "dkim/1" names the method version; only the method matters.
                let name = method.split(separator: "/").first.map(String.init) ?? method
                results.append(Result(method: name, result: result.lowercased(), properties: properties))
            }
        }

        enum Token: Equatable {
            case text(String)
            case equals
        }

        /// Splits at ";" into token lists, dropping comments (nested, with escapes) and
        /// whitespace, and unquoting quoted strings; an unclosed comment or quote runs to the end.
        static func segments(_ text: Substring) -> [[Token]] {
            var segments: [[Token]] = [[]]
            var word = ""
            var inWord = false
            func endWord() {
                if inWord { segments[segments.count - 1].append(.text(word)) }
                word = ""
                inWord = false
            }
            var index = text.startIndex
            while index < text.endIndex {
                let char = text[index]
                index = text.index(after: index)
                switch char {
                case "(":
                    endWord()
                    var depth = 1
                    while index < text.endIndex, depth > 0 {
                        let inner = text[index]
                        index = text.index(after: index)
                        switch inner {
                        case "\\": if index < text.endIndex { index = text.index(after: index) }
                        case "(": depth += 1
                        case ")": depth -= 1
                        default: break
                        }
                    }
                case "\"":
                    // A quoted string is one value, even next to other characters.
                    inWord = true
                    while index < text.endIndex {
                        let inner = text[index]
                        index = text.index(after: index)
                        if inner == "\"" { break }
                        if inner == "\\", index < text.endIndex {
                            word.append(text[index])
                            index = text.index(after: index)
                        } else {
                            word.append(inner)
                        }
                    }
                case ";":
                    endWord()
                    segments.append([])
                case "=":
                    endWord()
                    segments[segments.count - 1].append(.equals)
                case _ where char.isWhitespace:
                    endWord()
                default:
                    word.append(char)
                    inWord = true
                }
            }
            endWord()
            return segments.filter { !$0.isEmpty }
        }
    }
}
