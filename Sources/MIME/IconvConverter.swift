import Glibc

/// Charset conversion through glibc iconv, for everything not decoded natively. Descriptors come
/// from `IconvCache`, which hands each to one caller at a time: they carry shift state and must
/// not be shared between threads.
enum IconvConverter {
    struct Converted {
        var text: String
        var invalidSequences: Int
    }

    /// Converts `input` from the iconv charset `name` to text, or nil when iconv does not know the name.
    static func convert(_ input: [UInt8], from name: String) -> Converted? {
        guard let checkedOut = IconvCache.checkOut(name) else { return nil }
        defer { IconvCache.checkIn(checkedOut) }
        let descriptor = checkedOut.handle
        if input.isEmpty { return Converted(text: "", invalidSequences: 0) }

        var output = OutputBuffer(capacity: input.count * 3 + 16)
        var invalid = 0
        // iconv's input parameter is `char **` but it only reads through it: a mutable view of
        // the caller's bytes saves copying them.
        input.withUnsafeBufferPointer { inputBuffer in
            var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(mutating: inputBuffer.baseAddress!)
                .assumingMemoryBound(to: CChar.self)
            var inLeft = inputBuffer.count
            while inLeft > 0 {
                let (result, error) = output.write { outPointer, outLeft in
                    iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft)
                }
                guard result == -1 else { continue }
                switch error {
                case E2BIG:
                    output.grow()
                case EILSEQ, EINVAL:
                    // An invalid or truncated sequence: mark it and step over one byte.
                    invalid += 1
                    output.append(replacementCharacter)
                    inPointer = inPointer.map { $0 + 1 }
                    inLeft -= 1
                default:
                    invalid += 1
                    inLeft = 0
                }
            }
        }
        // A nil input flushes a stateful decoder (ISO-2022-JP) back to its initial state.
        while true {
            let (result, error) = output.write { outPointer, outLeft in iconv(descriptor, nil, nil, &outPointer, &outLeft) }
            guard result == -1, error == E2BIG else { break }
            output.grow()
        }
        return Converted(text: output.string, invalidSequences: invalid)
    }

    private static let replacementCharacter: [UInt8] = [0xEF, 0xBF, 0xBD]

    /// A growable byte buffer that iconv writes into through raw pointers.
    private struct OutputBuffer {
        private var storage: [UInt8]
        private var written = 0

        init(capacity: Int) {
            storage = [UInt8](repeating: 0, count: max(64, capacity))
        }

        mutating func grow() {
            storage.append(contentsOf: repeatElement(0, count: storage.count))
        }

        mutating func append(_ bytes: [UInt8]) {
            while storage.count - written < bytes.count { grow() }
            storage.replaceSubrange(written..<(written + bytes.count), with: bytes)
            written += bytes.count
        }

        /// Calls `body` with the free space; returns its result and errno when it failed.
        mutating func write(
            _ body: (inout UnsafeMutablePointer<CChar>?, inout Int) -> Int
        ) -> (result: Int, error: Int32) {
            if storage.count - written < 16 { grow() }
            let start = written
            let (result, error, produced): (Int, Int32, Int) = storage.withUnsafeMutableBufferPointer { buffer in
                var pointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(buffer.baseAddress! + start)
                    .assumingMemoryBound(to: CChar.self)
                var left = buffer.count - start
                let before = left
                let result = body(&pointer, &left)
                return (result, result == -1 ? errno : 0, before - left)
            }
            written += produced
            return (result, error)
        }

        var string: String { String(decoding: storage[..<written], as: UTF8.self) }
    }
}
