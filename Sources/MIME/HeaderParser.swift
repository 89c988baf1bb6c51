/// Reads the header block at the start of a message or part: unfolds fields, finds where the body
/// starts, and records what it had to bend instead of failing.
enum HeaderParser {
    /// More fields than this is an attack or a loop, not a message.
    static let maxFields = 1000
    /// The longest unfolded field kept; RFC 5322 allows 998 octets a line, so 64 KiB is generous.
    static let maxFieldLength = 64 * 1024

    struct Result {
        var header: MessageHeader
        /// Index in the input where the body begins (after the empty line), or the end.
        var bodyStart: Int
        var defects: [Defect]
    }

    /// One physical line: its content without CR/LF, and where the next line starts.
    struct Line {
        var start: Int
        var end: Int
        var next: Int
        var isEmpty: Bool { start == end }
    }

    static func line(in bytes: ArraySlice<UInt8>, at start: Int) -> Line {
        var index = start
        let limit = bytes.endIndex
        while index < limit, bytes[index] != ASCII.lf { index += 1 }
        let next = index < limit ? index + 1 : limit
        var end = index
        if end > start, bytes[end - 1] == ASCII.cr { end -= 1 }
        return Line(start: start, end: end, next: next)
    }

    /// Whether the line looks like `Name: value` with a legal field name (RFC 5322 section 2.2;
    /// QUIRK: obs-optional allows whitespace before the colon).
    static func fieldNameEnd(in bytes: ArraySlice<UInt8>, line: Line) -> (nameEnd: Int, colon: Int)? {
        var index = line.start
        while index < line.end {
            let byte = bytes[index]
            if byte == ASCII.colon { break }
            if byte.isWSP {
                // Only whitespace may follow before the colon.
                var probe = index
                while probe < line.end, bytes[probe].isWSP { probe += 1 }
                guard probe < line.end, bytes[probe] == ASCII.colon, index > line.start else { return nil }
                return (index, probe)
            }
            guard byte > 0x20, byte < 0x7F else { return nil }
            index += 1
        }
        guard index < line.end, index > line.start else { return nil }
        return (index, index)
    }

    static func parse(_ bytes: ArraySlice<UInt8>) -> Result {
        var fields: [HeaderField] = []
        var defects: [Defect] = []
        var name: String?
        var value: [UInt8] = []
        var truncated = false
        var skippingFields = false
        // Index of the next line that looks like a header field, found by the look-ahead that
        // decides whether a stray line is junk inside the header or the start of the body.
        var headerLineAhead: Int?

        func flush() {
            guard let current = name else { return }
            name = nil
            let trimmed = Bytes.trimmed(value[...])
            // 8-bit bytes inside encoded words must be escaped before the value becomes text,
            // which would lose which charset they were in.
            if !Bytes.isASCII(trimmed), let escaped = EncodedWord.escapingRawBytes(trimmed, defects: &defects) {
                fields.append(HeaderField(name: current, value: Bytes.headerString(escaped)))
            } else {
                fields.append(HeaderField(name: current, value: Bytes.headerString(trimmed)))
            }
            value.removeAll(keepingCapacity: true)
            truncated = false
        }

        func append(_ range: Range<Int>) {
            guard !truncated else { return }
            let room = maxFieldLength - value.count
            if range.count <= room {
                value.append(contentsOf: bytes[range])
                return
            }
            // Cut before a UTF-8 continuation byte so the kept part still decodes.
            var cut = range.lowerBound + max(room, 0)
            while cut > range.lowerBound, bytes[cut] & 0xC0 == 0x80 { cut -= 1 }
            value.append(contentsOf: bytes[range.lowerBound..<cut])
            truncated = true
            defects.append(.fieldTooLong(name: name ?? "", limit: maxFieldLength))
        }

        /// Whether a field line follows before the empty line; remembered so runs of junk stay linear.
        func headerLineFollows(after line: Line) -> Bool {
            if let ahead = headerLineAhead, ahead > line.start { return true }
            var probe = Self.line(in: bytes, at: line.next)
            while probe.start < bytes.endIndex, !probe.isEmpty {
                if fieldNameEnd(in: bytes, line: probe) != nil {
                    headerLineAhead = probe.start
                    return true
                }
                probe = Self.line(in: bytes, at: probe.next)
            }
            return false
        }

        var index = bytes.startIndex
        if Bytes.hasPrefix(bytes, at: index, caseInsensitive: [0xEF, 0xBB, 0xBF]) {
            // A byte order mark written by a text editor: not part of the first field name.
            defects.append(.byteOrderMark)
            index += 3
        }
        var isFirstLine = true
        while index < bytes.endIndex {
            let current = line(in: bytes, at: index)
            defer {
                index = current.next
                isFirstLine = false
            }
            if current.isEmpty {
                flush()
                return Result(header: MessageHeader(fields: fields), bodyStart: current.next, defects: defects)
            }
            if bytes[current.start].isWSP {
                let blank = bytes[current.start..<current.end].allSatisfy(\.isWSP)
                if blank {
                    // QUIRK: a line of only spaces is obs-FWS inside a field, but when what follows is
                    // not a header it was meant as the empty line (RFC 5322 section 4.2).
                    let next = line(in: bytes, at: current.next)
                    let continues = next.start < bytes.endIndex && !next.isEmpty
                        && (bytes[next.start].isWSP || fieldNameEnd(in: bytes, line: next) != nil)
                    if !continues {
                        flush()
                        defects.append(.headerEndedBySpaces)
                        return Result(header: MessageHeader(fields: fields), bodyStart: current.next, defects: defects)
                    }
                }
                if name != nil {
                    append(current.start..<current.end)
                } else if !skippingFields, !blank {
                    if !headerLineFollows(after: current) {
                        // Indented text where a header should be: it is the body, keep it.
                        defects.append((isFirstLine ? .noHeader : .headerNotEnded))
                        return Result(header: MessageHeader(fields: fields), bodyStart: current.start, defects: defects)
                    }
                    defects.append(.orphanContinuationLine)
                }
                continue
            }
            flush()
            guard let (nameEnd, colon) = fieldNameEnd(in: bytes, line: current) else {
                if isFirstLine, Bytes.hasPrefix(bytes, at: current.start, caseInsensitive: Array("From ".utf8)) {
                    defects.append(.mboxFromLine)
                    continue
                }
                if Bytes.hasPrefix(bytes, at: current.start, caseInsensitive: [ASCII.hyphen, ASCII.hyphen]) {
                    // A boundary line is never part of a header: the empty line before the body is
                    // missing (a forwarded message glued to its parts). Skipping it would lose the
                    // first part, and pull that part's fields into this header.
                    defects.append((isFirstLine ? .noHeader : .headerNotEnded))
                    return Result(header: MessageHeader(fields: fields), bodyStart: current.start, defects: defects)
                }
                if headerLineFollows(after: current) {
                    defects.append(.lineWithoutColon)
                    continue
                }
                // Nothing header-like follows: this line is where the body starts (the empty line
                // is missing), so keep it as body rather than lose the text.
                defects.append((isFirstLine ? .noHeader : .headerNotEnded))
                return Result(header: MessageHeader(fields: fields), bodyStart: current.start, defects: defects)
            }
            if fields.count >= maxFields {
                if !skippingFields {
                    defects.append(.tooManyFields(limit: maxFields))
                    skippingFields = true
                }
                continue
            }
            name = String(decoding: bytes[current.start..<nameEnd], as: UTF8.self)
            append((colon + 1)..<current.end)
        }
        flush()
        return Result(header: MessageHeader(fields: fields), bodyStart: bytes.endIndex, defects: defects)
    }
}
