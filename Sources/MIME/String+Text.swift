extension String {
    /// The string without leading and trailing whitespace (space, tab, CR, LF).
    var trimmingWhitespace: String {
        let bytes = Array(utf8)[...]
        let trimmed = Bytes.trimmed(bytes)
        if trimmed.count == bytes.count { return self }
        return String(decoding: trimmed, as: UTF8.self)
    }

    /// Line ends normalised to "\n" (CRLF and bare CR both become LF).
    var normalizingLineEnds: String {
        var copy = self
        return copy.withUTF8 { buffer in
            guard buffer.contains(ASCII.cr) else { return self }
            let normalized = [UInt8](unsafeUninitializedCapacity: buffer.count) { out, count in
                var written = 0
                var index = 0
                while index < buffer.count {
                    let byte = buffer[index]
                    index += 1
                    if byte == ASCII.cr {
                        out[written] = ASCII.lf
                        if index < buffer.count, buffer[index] == ASCII.lf { index += 1 }
                    } else {
                        out[written] = byte
                    }
                    written += 1
                }
                count = written
            }
            return String(decoding: normalized, as: UTF8.self)
        }
    }
}
