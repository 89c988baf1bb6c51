/// Cheap looks at raw message bytes, before (or instead of) parsing the whole message.
enum MessageBytes {
    /// The header section: everything up to the first empty line (CRLF or LF), capped at 1 MiB
    /// so an oversize message with no body separator is not read in full.
    static func headerSection(of raw: [UInt8]) -> ArraySlice<UInt8> {
        let end = min(raw.count, 1 << 20)
        var index = 0
        while index < end {
            if raw[index] == 0x0A {
                let next = index + 1
                if next < end && raw[next] == 0x0A { return raw[..<next] }
                if next + 1 < end && raw[next] == 0x0D && raw[next + 1] == 0x0A { return raw[..<next] }
            }
            index += 1
        }
        return raw[..<end]
    }
}
