import Testing
@testable import MIME

/// The decoder's fast paths (whole lines, two groups, one group) must give exactly what the
/// byte-at-a-time rules give; these compare it with a plain reference decoder on inputs built to
/// hit every switch between the paths.
@Suite("Base64 fast paths")
struct Base64FastPathTests {
    /// The rules, one character at a time: alphabet characters fill a quantum, "=" ends it (its
    /// whole bytes kept), everything else is skipped.
    static func reference(_ input: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var quantum: UInt32 = 0
        var pending = 0
        func flush() {
            if pending == 2 { out.append(UInt8(truncatingIfNeeded: quantum >> 4)) }
            if pending == 3 {
                out.append(UInt8(truncatingIfNeeded: quantum >> 10))
                out.append(UInt8(truncatingIfNeeded: quantum >> 2))
            }
            quantum = 0
            pending = 0
        }
        for byte in input {
            if let value = Base64.alphabet.firstIndex(of: byte) {
                quantum = quantum << 6 | UInt32(value)
                pending += 1
                if pending == 4 {
                    out += [UInt8(truncatingIfNeeded: quantum >> 16), UInt8(truncatingIfNeeded: quantum >> 8),
                            UInt8(truncatingIfNeeded: quantum)]
                    quantum = 0
                    pending = 0
                }
            } else if byte == UInt8(ascii: "=") {
                flush()
            }
        }
        flush()
        return out
    }

    /// Deterministic bytes, so a failure names its input.
    static func bytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed &* 6364136223846793005 &+ 1442695040888963407
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
    }

    /// Base64 without line breaks, wrapped every `width` characters with `lineEnd`.
    static func wrapped(_ data: [UInt8], width: Int, lineEnd: [UInt8]) -> [UInt8] {
        let flat = Base64.encode(data, lineLength: nil)
        var out: [UInt8] = []
        var start = 0
        while start < flat.count {
            let end = min(start + width, flat.count)
            out += flat[start..<end]
            out += lineEnd
            start = end
        }
        return out
    }

    @Test func lineBreaksAtEveryWidthAndLength() {
        for length in 0...100 {
            let data = Self.bytes(length, seed: UInt64(length))
            for width in 1...80 {
                for lineEnd in [[ASCII.cr, ASCII.lf], [ASCII.lf], [ASCII.cr], [ASCII.space]] {
                    let encoded = Self.wrapped(data, width: width, lineEnd: lineEnd)
                    #expect(Base64.decode(encoded) == data, "length \(length) width \(width) end \(lineEnd)")
                }
            }
        }
    }

    @Test func longBodiesWithStandardAndChangingLineWidths() {
        let data = Self.bytes(5000, seed: 7)
        for width in [76, 64, 72, 60, 4, 8, 12, 100] {
            let encoded = Self.wrapped(data, width: width, lineEnd: [ASCII.cr, ASCII.lf])
            #expect(Base64.decode(encoded) == data, "width \(width)")
        }
        // The width the line path expects changes half way through.
        let mixed = Self.wrapped(Array(data[..<2400]), width: 76, lineEnd: [ASCII.cr, ASCII.lf])
            + Self.wrapped(Array(data[2400...]), width: 64, lineEnd: [ASCII.cr, ASCII.lf])
        #expect(Base64.decode(mixed) == Self.reference(mixed))
    }

    @Test func everyPaddingForm() {
        for length in 0...20 {
            let data = Self.bytes(length, seed: 100 + UInt64(length))
            let padded = Base64.encode(data, lineLength: nil)
            let bare = padded.filter { $0 != UInt8(ascii: "=") }
            let extra = padded + Array("==".utf8)
            let concatenated = padded + padded + Array("\r\n".utf8) + padded
            for input in [padded, bare, extra, concatenated, Array("=".utf8) + padded, bare + Array("=".utf8)] {
                #expect(Base64.decode(input) == Self.reference(input), "length \(length)")
            }
        }
    }

    @Test func strayCharactersAtEveryPositionOfALine() {
        let data = Self.bytes(57 * 4, seed: 11)
        let clean = Self.wrapped(data, width: 76, lineEnd: [ASCII.cr, ASCII.lf])
        for stray in Array("!= \t-.*\u{0}".utf8) + [0x80, 0xFF] {
            for position in stride(from: 0, to: clean.count, by: 1) {
                var replaced = clean
                replaced[position] = stray
                #expect(Base64.decode(replaced) == Self.reference(replaced), "replaced \(stray) at \(position)")
                var inserted = clean
                inserted.insert(stray, at: position)
                #expect(Base64.decode(inserted) == Self.reference(inserted), "inserted \(stray) at \(position)")
            }
        }
    }

    @Test func randomGarbageMatchesTheReference() {
        let alphabet = Base64.alphabet + Array("=\r\n \t!".utf8)
        for length in 0...300 {
            let noise = Self.bytes(length, seed: 5000 + UInt64(length))
            let fromAlphabet = noise.map { alphabet[Int($0) % alphabet.count] }
            #expect(Base64.decode(fromAlphabet) == Self.reference(fromAlphabet), "alphabet noise \(length)")
            #expect(Base64.decode(noise) == Self.reference(noise), "byte noise \(length)")
        }
    }

    @Test func slicesAndNonContiguousInputs() {
        let encoded = Self.wrapped(Self.bytes(300, seed: 3), width: 76, lineEnd: [ASCII.cr, ASCII.lf])
        for start in 0..<8 {
            let slice = encoded[start...]
            #expect(Base64.decode(slice) == Self.reference(Array(slice)))
            #expect(Base64.decode(slice.lazy.map { $0 }) == Self.reference(Array(slice)))
        }
    }
}
