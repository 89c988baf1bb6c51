import Glibc

/// Splits a multipart body at its boundary lines (RFC 2046 section 5.1.1).
enum MultipartSplitter {
    struct Result {
        /// Each part's bytes: its header and body, without the line break before the next delimiter.
        var parts: [ArraySlice<UInt8>]
        var preamble: ArraySlice<UInt8>
        var epilogue: ArraySlice<UInt8>
        /// Whether the closing delimiter (`--boundary--`) was found.
        var isClosed: Bool
        /// Whether parts were left out because there were more than the limit.
        var isTruncated: Bool
    }

    /// A delimiter is `--boundary` at the start of a line, optionally `--`, then the end of the line
    /// or whitespace (and whatever follows it); anything else right after the boundary (e.g. a longer
    /// boundary sharing this prefix) makes the line content.
    static func split(_ body: ArraySlice<UInt8>, boundary: [UInt8], maxParts: Int) -> Result {
        let delimiter: [UInt8] = [ASCII.hyphen, ASCII.hyphen] + boundary
        var lines: [(start: Int, next: Int, closing: Bool)] = []
        var isTruncated = false
        body.withUnsafeBufferPointer { buffer in
            delimiter.withUnsafeBufferPointer { needle in
                guard let base = buffer.baseAddress, let needleBase = needle.baseAddress else { return }
                // A delimiter starts with "-", which base64 never contains: jump from "-" to "-"
                // with memchr and test only those at a line start, instead of visiting every line.
                var position = 0
                while position + needle.count <= buffer.count {
                    guard let dash = memchr(base + position, Int32(ASCII.hyphen), buffer.count - position) else { break }
                    let lineStart = base.distance(to: dash.assumingMemoryBound(to: UInt8.self))
                    position = lineStart + 1
                    guard lineStart + needle.count <= buffer.count else { break }
                    guard lineStart == 0 || buffer[lineStart - 1] == ASCII.lf,
                          memcmp(base + lineStart, needleBase, needle.count) == 0 else { continue }
                    var index = lineStart + needle.count
                    var closing = false
                    if index + 1 < buffer.count, buffer[index] == ASCII.hyphen, buffer[index + 1] == ASCII.hyphen {
                        closing = true
                        index += 2
                    }
                    if index < buffer.count, buffer[index].isWSP {
                        // Transport padding, or (QUIRK, RFC 2046 section 5.1.1 note) junk after a
                        // space: the boundary at the line start is what counts.
                        while index < buffer.count, buffer[index] != ASCII.lf { index += 1 }
                    } else if index < buffer.count, buffer[index] == ASCII.cr {
                        index += 1
                    }
                    if index < buffer.count {
                        guard buffer[index] == ASCII.lf else { continue }
                        index += 1
                    }
                    lines.append((lineStart, index, closing))
                    position = index
                    if closing { break }
                    if lines.count > maxParts {
                        isTruncated = true
                        break
                    }
                }
            }
        }
        let start = body.startIndex
        guard let first = lines.first else {
            return Result(parts: [], preamble: body, epilogue: body[body.endIndex...], isClosed: false, isTruncated: false)
        }
        /// The content before a delimiter line ends before the line break that precedes it.
        func contentEnd(before delimiterStart: Int) -> Int {
            var end = start + delimiterStart
            if end > start, body[end - 1] == ASCII.lf { end -= 1 }
            if end > start, body[end - 1] == ASCII.cr { end -= 1 }
            return end
        }
        let preambleEnd = contentEnd(before: first.start)
        var parts: [ArraySlice<UInt8>] = []
        var isClosed = false
        var epilogue = body[body.endIndex...]
        for (index, line) in lines.enumerated() {
            if line.closing {
                isClosed = true
                epilogue = body[(start + line.next)...]
                break
            }
            let partStart = start + line.next
            let partEnd = index + 1 < lines.count ? max(partStart, contentEnd(before: lines[index + 1].start)) : body.endIndex
            if parts.count < maxParts { parts.append(body[partStart..<partEnd]) }
        }
        return Result(parts: parts, preamble: body[start..<preambleEnd], epilogue: epilogue,
                      isClosed: isClosed, isTruncated: isTruncated)
    }
}
