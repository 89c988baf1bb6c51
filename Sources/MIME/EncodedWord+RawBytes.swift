extension EncodedWord {
    /// Rewrites Q encoded words that hold unencoded 8-bit bytes (`=?iso-8859-1?Q?Fr<F6>sche?=`)
    /// so every byte is escaped, while the header is still bytes: once it is a String, a raw
    /// 0xF6 and a raw UTF-8 "ö" look the same, and the word's charset can no longer be applied.
    /// Raw bytes that are UTF-8 in a word labelled otherwise were UTF-8 text pasted into the
    /// word: such a word becomes a UTF-8 word. Returns nil when nothing needed rewriting.
    ///
    /// QUIRK: RFC 2047 section 5 allows only printable ASCII inside an encoded word.
    static func escapingRawBytes(_ bytes: ArraySlice<UInt8>, defects: inout [Defect]) -> [UInt8]? {
        var output: [UInt8] = []
        var copied = bytes.startIndex
        var index = bytes.startIndex
        while index + 1 < bytes.endIndex {
            guard bytes[index] == ASCII.equals, bytes[index + 1] == ASCII.question,
                  let word = scanWord(bytes, at: index)
            else {
                index += 1
                continue
            }
            index = word.end
            // B words are left alone: raw bytes cannot be base64.
            guard !word.isBase64, bytes[word.text].contains(where: { $0 >= 0x80 }) else { continue }
            if output.isEmpty { output.reserveCapacity(bytes.count + 16) }
            output += bytes[copied..<word.start]
            output += rewritten(word, in: bytes, defects: &defects)
            copied = word.end
        }
        guard !output.isEmpty else { return nil }
        output += bytes[copied...]
        return output
    }

    private static func rewritten(_ word: WordBounds, in bytes: ArraySlice<UInt8>, defects: inout [Defect]) -> [UInt8] {
        let label = String(decoding: bytes[word.charset], as: UTF8.self)
        let text = bytes[word.text]
        if Charset.canonicalName(label) != "UTF-8", rawRunsAreUTF8(text) {
            // Escapes in the labelled charset, raw runs in UTF-8: convert the escaped stretches,
            // keep the raw ones, and write the result as one UTF-8 word.
            var utf8: [UInt8] = []
            var labelled: [UInt8] = []
            var index = text.startIndex
            func flushLabelled() {
                guard !labelled.isEmpty else { return }
                utf8 += Charset.decode(labelled, charset: label).text.utf8
                labelled.removeAll()
            }
            while index < text.endIndex {
                if text[index] >= 0x80 {
                    flushLabelled()
                    while index < text.endIndex, text[index] >= 0x80 {
                        utf8.append(text[index])
                        index += 1
                    }
                    continue
                }
                let next = index + 1
                if text[index] == ASCII.equals, next + 1 < text.endIndex,
                   let high = text[next].hexValue, let low = text[next + 1].hexValue {
                    labelled.append(high << 4 | low)
                    index += 3
                } else {
                    labelled.append(text[index] == ASCII.underscore ? ASCII.space : text[index])
                    index += 1
                }
            }
            flushLabelled()
            defects.append(.rawBytesInEncodedWord(charset: label, readAs: "UTF-8"))
            return Array("=?utf-8?q?".utf8) + encodeQ(utf8) + [ASCII.question, ASCII.equals]
        }
        defects.append(.rawBytesInEncodedWord(charset: label, readAs: label))
        var out = Array(bytes[word.start..<word.text.lowerBound])
        for byte in text {
            if byte >= 0x80 {
                out += [ASCII.equals, ASCII.hexDigits[Int(byte >> 4)], ASCII.hexDigits[Int(byte & 0x0F)]]
            } else {
                out.append(byte)
            }
        }
        return out + [ASCII.question, ASCII.equals]
    }

    /// Whether every run of 8-bit bytes is well-formed UTF-8 (a Latin-1 "ö" alone never is).
    private static func rawRunsAreUTF8(_ text: ArraySlice<UInt8>) -> Bool {
        var index = text.startIndex
        while index < text.endIndex {
            guard text[index] >= 0x80 else {
                index += 1
                continue
            }
            let start = index
            while index < text.endIndex, text[index] >= 0x80 { index += 1 }
            guard String(validating: text[start..<index], as: UTF8.self) != nil else { return false }
        }
        return true
    }
}
