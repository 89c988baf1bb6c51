import Glibc

/// Files uuencoded into the text of a message (`begin 644 name`, data lines, `end`), as mailers
/// before MIME and many scripts still send them. Lenient: a missing `end` or zero-length line,
/// and lines shortened by stripped trailing spaces, are read as far as they go.
enum UUDecoder {
    /// One uuencoded file in the text.
    struct Block {
        /// From the start of the `begin` line to after the last line of the block (its line break included).
        var range: Range<Int>
        /// The name on the `begin` line as written (charset not applied); empty when there is none.
        var name: ArraySlice<UInt8>
        var data: [UInt8]
        /// Whether the `end` line was there.
        var isTerminated: Bool
    }

    private static let beginLine: [UInt8] = Array("begin ".utf8)

    /// Whether some line starts with "begin ": a cheap test before the real scan (a `memchr` and
    /// a comparison per line), so text without uuencoding is not decoded twice.
    static func mayContainBlock(_ bytes: ArraySlice<UInt8>) -> Bool {
        nextBeginLine(in: bytes, from: bytes.startIndex) != nil
    }

    /// Every uuencoded block of `bytes`, in order.
    static func blocks(in bytes: ArraySlice<UInt8>) -> [Block] {
        var blocks: [Block] = []
        var searchFrom = bytes.startIndex
        while let start = nextBeginLine(in: bytes, from: searchFrom) {
            if let block = block(in: bytes, at: start) {
                blocks.append(block)
                searchFrom = max(block.range.upperBound, start + 1)
            } else {
                searchFrom = start + 1
            }
        }
        return blocks
    }

    /// `bytes` without its uuencoded blocks.
    static func removingBlocks(from bytes: [UInt8]) -> [UInt8] {
        let found = blocks(in: bytes[...])
        guard !found.isEmpty else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var copied = 0
        for block in found {
            out += bytes[copied..<block.range.lowerBound]
            copied = block.range.upperBound
        }
        out += bytes[copied...]
        return out
    }

    /// The start of the next line at or after `from` that begins with "begin ".
    private static func nextBeginLine(in bytes: ArraySlice<UInt8>, from: Int) -> Int? {
        var position = from
        while position < bytes.endIndex {
            if bytes[position] == 0x62, position == bytes.startIndex || bytes[position - 1] == ASCII.lf,   // "b"
               bytes.endIndex - position >= beginLine.count, bytes[position..<(position + beginLine.count)].elementsEqual(beginLine) {
                return position
            }
            // Jump to the next line break with memchr (vectorised) rather than visiting every byte.
            let found: Int? = bytes[position...].withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress, let hit = memchr(base, Int32(ASCII.lf), buffer.count) else { return nil }
                return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            }
            guard let found else { return nil }
            position += found + 1
        }
        return nil
    }

    /// One line: its content without CR/LF, and where the next begins.
    private static func line(in bytes: ArraySlice<UInt8>, at start: Int) -> (content: Range<Int>, next: Int) {
        var end = start
        while end < bytes.endIndex, bytes[end] != ASCII.lf { end += 1 }
        let next = end < bytes.endIndex ? end + 1 : end
        if end > start, bytes[end - 1] == ASCII.cr { end -= 1 }
        return (start..<end, next)
    }

    /// The block whose `begin` line starts at `start`, or nil when the line or what follows is
    /// not uuencoding (a sentence that happens to start with "begin ").
    private static func block(in bytes: ArraySlice<UInt8>, at start: Int) -> Block? {
        let first = line(in: bytes, at: start)
        guard let name = beginName(bytes[first.content]) else { return nil }
        var data: [UInt8] = []
        var position = first.next
        var blockEnd = first.next
        var dataLines = 0
        var sawZeroLine = false
        while position < bytes.endIndex {
            let current = line(in: bytes, at: position)
            // Trailing spaces are data on a data line, but only padding on "end" and the zero-length line.
            let trimmed = Bytes.trimmed(bytes[current.content])
            if trimmed.elementsEqual([0x65, 0x6E, 0x64]) {   // "end"
                return Block(range: start..<current.next, name: name, data: data, isTerminated: true)
            }
            if trimmed.isEmpty || trimmed.elementsEqual([0x60]) {
                // The zero-length line before "end" ("`", or a space some mailers strip).
                guard !sawZeroLine else { break }
                sawZeroLine = true
                // A "`" line is part of the block even when "end" is missing; a blank line may be the text's.
                if !trimmed.isEmpty { blockEnd = current.next }
                position = current.next
                continue
            }
            // After a zero-length line only "end" may come; the first data line must be whole,
            // so that prose after "begin " is never mistaken for data.
            guard !sawZeroLine, decodeLine(bytes[current.content], requireWhole: dataLines == 0, into: &data) else { break }
            dataLines += 1
            position = current.next
            blockEnd = current.next
        }
        guard dataLines > 0 else { return nil }
        return Block(range: start..<blockEnd, name: name, data: data, isTerminated: false)
    }

    /// The name on `begin <mode> <name>` (mode: octal digits); nil when the line is not one.
    private static func beginName(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        var index = line.startIndex + beginLine.count
        let modeStart = index
        while index < line.endIndex, (0x30...0x37).contains(line[index]) { index += 1 }
        guard index > modeStart, index - modeStart <= 4 else { return nil }
        guard index < line.endIndex else { return line[index...] }
        guard line[index] == ASCII.space else { return nil }
        return Bytes.trimmed(line[(index + 1)...])
    }

    /// Decodes one data line (length character, then groups of four characters of six bits each)
    /// into `data`. Characters are 0x20...0x60; missing ones at the end (stripped spaces) count
    /// as zero. False when the line is not a data line.
    private static func decodeLine(_ line: ArraySlice<UInt8>, requireWhole: Bool, into data: inout [UInt8]) -> Bool {
        guard let lengthCharacter = line.first, (0x20...0x60).contains(lengthCharacter) else { return false }
        let count = Int((lengthCharacter &- 0x20) & 0x3F)
        let characters = line.dropFirst()
        let needed = (count + 2) / 3 * 4
        // Encoders may add a checksum character; more than that is not uuencoding.
        guard characters.count <= needed + 2, characters.allSatisfy({ (0x20...0x60).contains($0) }) else { return false }
        if requireWhole, characters.count < needed { return false }
        var index = characters.startIndex
        func sextet() -> UInt8 {
            defer { index += 1 }
            return index < characters.endIndex ? (characters[index] &- 0x20) & 0x3F : 0
        }
        var remaining = count
        while remaining > 0 {
            let a = sextet(), b = sextet(), c = sextet(), d = sextet()
            data.append(a << 2 | b >> 4)
            if remaining > 1 { data.append((b & 0x0F) << 4 | c >> 2) }
            if remaining > 2 { data.append((c & 0x03) << 6 | d) }
            remaining -= 3
        }
        return true
    }
}
