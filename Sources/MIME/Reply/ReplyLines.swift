/// A text body split into lines: byte ranges into one UTF-8 buffer, so the detectors never copy.
struct ReplyLines {
    let bytes: [UInt8]
    /// Each line without its "\n"; a CR before the LF is left out too, so CRLF input reads the same.
    let ranges: [Range<Int>]

    init(_ text: String) {
        bytes = Array(text.utf8)
        var ranges: [Range<Int>] = []
        var start = 0
        var index = 0
        while index < bytes.count {
            if bytes[index] == ASCII.lf {
                ranges.append(start..<Self.endDroppingCR(start, index, bytes))
                start = index + 1
            }
            index += 1
        }
        // A final line without "\n" is still a line; a body ending in "\n" has no empty last line.
        if start < bytes.count { ranges.append(start..<Self.endDroppingCR(start, bytes.count, bytes)) }
        self.ranges = ranges
    }

    private static func endDroppingCR(_ start: Int, _ end: Int, _ bytes: [UInt8]) -> Int {
        end > start && bytes[end - 1] == ASCII.cr ? end - 1 : end
    }

    var count: Int { ranges.count }

    subscript(line: Int) -> ArraySlice<UInt8> { bytes[ranges[line]] }

    /// The line without spaces and tabs on either side.
    func trimmed(_ line: Int) -> ArraySlice<UInt8> {
        var lower = ranges[line].lowerBound
        var upper = ranges[line].upperBound
        while lower < upper, bytes[lower].isWSP { lower += 1 }
        while upper > lower, bytes[upper - 1].isWSP { upper -= 1 }
        return bytes[lower..<upper]
    }

    /// Only spaces and tabs (or nothing).
    func isBlank(_ line: Int) -> Bool {
        trimmed(line).isEmpty
    }
}
