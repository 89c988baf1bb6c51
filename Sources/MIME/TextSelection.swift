/// Finds the text a person reads in a MIME tree. Candidates are text/plain and text/html leaves
/// that are not attachments (a lone root part counts even when marked as one). The best is the
/// first plain part with content, else HTML with content, then empty ones, then parts inside
/// attached messages (a message forwarded without a note of its own), and last the body of a
/// winmail.dat.
struct TextSelection {
    let root: MessagePart

    private struct Candidate {
        var part: MessagePart
        /// Child indices from the root, so callers can tell the chosen leaves from the others.
        var path: [Int]
        var isHTML: Bool
        var rank: Int
    }

    /// The text a person reads, the raw HTML of the best HTML part, and the paths of the parts
    /// they came from (`[]` is the root).
    func bodies(defects: inout [Defect]) -> (text: String?, html: String?, textPath: [Int]?, htmlPath: [Int]?) {
        var candidates: [Candidate] = []
        collect(root, path: [], isRoot: true, inMessage: false, into: &candidates)
        let bestPlain = candidates.filter { !$0.isHTML }.min { $0.rank < $1.rank }
        let bestHTML = candidates.filter(\.isHTML).min { $0.rank < $1.rank }

        // Defects of the HTML part only matter when it is what gets read.
        var htmlDefects: [Defect] = []
        let html = bestHTML.map { decode($0.part, defects: &htmlDefects) }
        if let bestPlain, bestHTML.map({ bestPlain.rank <= $0.rank }) ?? true {
            return (decode(bestPlain.part, defects: &defects), html, bestPlain.path, bestHTML?.path)
        }
        if let html {
            defects += htmlDefects
            return (HTMLText.render(html), html, bestHTML?.path, bestHTML?.path)
        }
        // A multipart whose parts could not be found: its body is still what the sender wrote.
        if root.contentType.isMultipart, root.children.isEmpty {
            var fallback = root
            fallback.contentType = .textPlain
            fallback.transferEncoding = "7bit"
            return (decode(fallback, defects: &defects), nil, [], nil)
        }
        return (nil, nil, nil, nil)
    }

    private func collect(
        _ part: MessagePart, path: [Int], isRoot: Bool, inMessage: Bool, into candidates: inout [Candidate]
    ) {
        // Containers: multiparts, attached messages, and a winmail.dat with its content taken out.
        // A text part's children are files taken out of it; the text itself is the candidate.
        let isContainer = part.contentType.isMultipart || part.contentType.type == "message"
            || (!part.children.isEmpty && !part.contentType.isText)
        if isContainer {
            let opensMessage = part.contentType.type == "message"
            for (index, child) in part.children.enumerated() {
                collect(child, path: path + [index], isRoot: false, inMessage: inMessage || opensMessage, into: &candidates)
            }
            return
        }
        guard part.contentType.isText, isRoot || !part.isAttachment else { return }
        let isHTML: Bool
        switch part.contentType.subtype {
        case "plain": isHTML = false
        case "html": isHTML = true
        default: return
        }
        let hasContent = part.rawBody.contains { !$0.isWhitespace }
        // Lower is better; ties keep document order because `min` returns the first minimum.
        // The body inside a winmail.dat is the text only when the message has no other.
        let rank = (part.origin == .tnefBody ? 4 : 0) + (inMessage ? 2 : 0) + (hasContent ? 0 : 1)
        candidates.append(Candidate(part: part, path: path, isHTML: isHTML, rank: rank))
    }

    private func decode(_ part: MessagePart, defects: inout [Defect]) -> String {
        let decoded = part.decodedText()
        defects += decoded.defects
        return decoded.text
    }
}
