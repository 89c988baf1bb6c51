/// Parts the reader makes from content inside a leaf: the files of a winmail.dat, and files
/// uuencoded into text (see `PartOrigin`).
extension PartParser {
    /// The files (and body) inside a winmail.dat; none, with a defect, when it cannot be read.
    mutating func tnefParts(of part: MessagePart) -> [MessagePart] {
        let content: TNEFReader.Content
        do {
            content = try TNEFReader.read(part.decodedBody()[...], maxAttachments: Self.maxParts)
        } catch {
            defects.append(.damagedTNEF(error))
            return []
        }
        var children: [MessagePart] = []
        for file in content.files {
            guard claimPart() else { break }
            var type = file.mediaType.flatMap(ContentType.init(parsing:)) ?? ContentType(guessingFrom: file.name)
            if type.mediaType == "application/octet-stream" || type.isMultipart { type = ContentType(guessingFrom: file.name) }
            children.append(.derived(origin: .tnefAttachment, contentType: type, bytes: file.data, filename: file.name,
                                     contentID: file.contentID))
        }
        if let text = content.text, claimPart() {
            let type = ContentType(type: "text", subtype: "plain", parameters: ["charset": "utf-8"])
            children.append(.derived(origin: .tnefBody, contentType: type, bytes: Array(text.utf8)))
        }
        if let html = content.html, claimPart() {
            let type = ContentType(type: "text", subtype: "html", parameters: ["charset": "utf-8"])
            children.append(.derived(origin: .tnefBody, contentType: type, bytes: Array(html.utf8)))
        }
        if !content.unreadable.isEmpty {
            defects.append(.incompleteTNEF(reason: content.unreadable.joined(separator: ", ")))
            // What could not be taken out is still in winmail.dat: keep it among the files.
            if !children.isEmpty, claimPart() {
                var original = part
                original.children = []
                children.append(original)
            }
        }
        return children
    }

    /// The uuencoded files in a text part, as attachments; the text itself drops them when decoded.
    mutating func uuencodedParts(of part: MessagePart) -> [MessagePart] {
        let body = part.decodedBody()
        var children: [MessagePart] = []
        for block in UUDecoder.blocks(in: body[...]) {
            guard claimPart() else { break }
            let name = block.name.isEmpty ? nil : Charset.decode(block.name, charset: part.contentType.charset).text
            defects.append(block.isTerminated ? .uuencodedAttachment(filename: name) : .unterminatedUUEncoding(filename: name))
            children.append(.derived(origin: .uuencoded, contentType: ContentType(guessingFrom: name), bytes: block.data,
                                     filename: name))
        }
        return children
    }
}
