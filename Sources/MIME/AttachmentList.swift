/// Walks a MIME tree for `Message.attachments`: every leaf except the chosen bodies, attached
/// messages opened, each leaf told whether it is meant inline.
enum AttachmentList {
    static func collect(root: MessagePart, excluding chosen: [[Int]]) -> [Attachment] {
        var result: [Attachment] = []
        walk(root, path: [], insideRelated: false, chosen: chosen, into: &result)
        return result
    }

    private static func walk(
        _ part: MessagePart, path: [Int], insideRelated: Bool, chosen: [[Int]], into result: inout [Attachment]
    ) {
        guard part.children.isEmpty else {
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
            return
        }
        guard !chosen.contains(path) else { return }
        let isInline = part.isInline || (insideRelated && part.contentID != nil)
        result.append(Attachment(part: part, path: path, isInline: isInline))
    }
}
