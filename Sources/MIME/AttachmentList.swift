/// Walks a MIME tree for `Message.attachments`: every leaf except the chosen bodies, attached
/// messages opened, the files taken out of winmail.dat and uuencoded text listed in place of
/// (winmail.dat) or after (text) their part, each told whether it is meant inline.
enum AttachmentList {
    static func collect(root: MessagePart, excluding chosen: [[Int]]) -> [Attachment] {
        var result: [Attachment] = []
        walk(root, path: [], insideRelated: false, chosen: chosen, into: &result)
        return result
    }

    private static func walk(
        _ part: MessagePart, path: [Int], insideRelated: Bool, chosen: [[Int]], into result: inout [Attachment]
    ) {
        // A text part with uuencoded files taken out is itself a leaf, and its files follow it.
        let isTextWithFiles = part.contentType.isText && !part.children.isEmpty
        if part.children.isEmpty || isTextWithFiles {
            // The body inside a winmail.dat repeats the message's own text unless it was chosen as the text.
            if !chosen.contains(path), part.origin != .tnefBody {
                let isInline = part.isInline || (insideRelated && part.contentID != nil)
                result.append(Attachment(part: part, path: path, isInline: isInline))
            }
            guard isTextWithFiles else { return }
        }
        // multipart/related scopes Content-IDs to its own message: an attached message starts afresh.
        let related: Bool
        if part.contentType.type == "message" {
            related = false
        } else {
            related = insideRelated || part.contentType.mediaType == "multipart/related"
        }
        for (index, child) in part.children.enumerated() {
            walk(child, path: path + [index], insideRelated: related, chosen: chosen, into: &result)
        }
    }
}
