import Testing
@testable import MIME

/// Reused iconv descriptors must convert exactly as freshly opened ones: whatever the previous
/// conversion left behind (a shift state, an invalid byte, another charset) must not leak.
@Suite("iconv descriptor cache")
struct IconvCacheTests {
    // "パスワード" in ISO-2022-JP: ESC $ B, JIS X 0208 pairs, ESC ( B back to ASCII.
    static let iso2022jp: [UInt8] = [0x1B, 0x24, 0x42, 0x25, 0x51, 0x25, 0x39, 0x25, 0x6F, 0x21, 0x3C, 0x25, 0x49,
                                     0x1B, 0x28, 0x42]
    // "こんにちは" in Shift_JIS (CP932).
    static let shiftJIS: [UInt8] = [0x82, 0xB1, 0x82, 0xF1, 0x82, 0xC9, 0x82, 0xBF, 0x82, 0xCD]
    // "Привет" in KOI8-R.
    static let koi8r: [UInt8] = [0xF0, 0xD2, 0xC9, 0xD7, 0xC5, 0xD4]

    @Test func reusedDescriptorsConvertLikeFreshOnes() {
        for _ in 0..<3 {
            #expect(IconvConverter.convert(Self.iso2022jp, from: "ISO-2022-JP-2")?.text == "パスワード")
            #expect(IconvConverter.convert(Self.shiftJIS, from: "CP932")?.text == "こんにちは")
            #expect(IconvConverter.convert(Self.koi8r, from: "KOI8-R")?.text == "Привет")
        }
        #expect(IconvCache.idleCount("CP932") >= 1)
    }

    @Test func shiftStateDoesNotLeakIntoTheNextConversion() {
        // Cut off while shifted into JIS X 0208: the next text must be read as ASCII again.
        let truncated = Array(Self.iso2022jp[..<7])
        for _ in 0..<3 {
            _ = IconvConverter.convert(truncated, from: "ISO-2022-JP-2")
            #expect(IconvConverter.convert(Array("ABC".utf8), from: "ISO-2022-JP-2")?.text == "ABC")
        }
        // And the same when the descriptor itself is reset without a conversion in between.
        if let descriptor = IconvCache.checkOut("ISO-2022-JP-2") {
            IconvCache.checkIn(descriptor)
        }
        #expect(IconvConverter.convert(Self.iso2022jp, from: "ISO-2022-JP-2")?.text == "パスワード")
    }

    @Test func invalidInputDoesNotSpoilTheDescriptor() {
        // A lead byte with a bad trail byte, then a lead byte cut off at the end.
        let invalid: [UInt8] = [0x82, 0x20, 0x41, 0x82]
        for _ in 0..<3 {
            let bad = IconvConverter.convert(invalid, from: "CP932")
            #expect((bad?.invalidSequences ?? 0) > 0)
            let good = IconvConverter.convert(Self.shiftJIS, from: "CP932")
            #expect(good?.text == "こんにちは")
            #expect(good?.invalidSequences == 0)
        }
    }

    @Test func unknownCharsetsAreNotCached() {
        #expect(IconvConverter.convert([0x41], from: "X-NO-SUCH-CHARSET") == nil)
        #expect(IconvCache.idleCount("X-NO-SUCH-CHARSET") == 0)
        #expect(IconvCache.checkOut("X-NO-SUCH-CHARSET") == nil)
    }

    @Test func poolIsBoundedPerCharset() {
        let held = (0..<(IconvCache.maxPerCharset + 3)).compactMap { _ in IconvCache.checkOut("KOI8-U") }
        #expect(held.count == IconvCache.maxPerCharset + 3)
        for descriptor in held { IconvCache.checkIn(descriptor) }
        #expect(IconvCache.idleCount("KOI8-U") <= IconvCache.maxPerCharset)
    }

    @Test func concurrentConversionsStayCorrect() async {
        let results = await withTaskGroup(of: Bool.self) { group in
            for task in 0..<16 {
                group.addTask {
                    var ok = true
                    for round in 0..<200 {
                        switch (task + round) % 3 {
                        case 0: ok = ok && IconvConverter.convert(Self.iso2022jp, from: "ISO-2022-JP-2")?.text == "パスワード"
                        case 1: ok = ok && IconvConverter.convert(Self.shiftJIS, from: "CP932")?.text == "こんにちは"
                        default: ok = ok && IconvConverter.convert(Self.koi8r, from: "KOI8-R")?.text == "Привет"
                        }
                    }
                    return ok
                }
            }
            var all: [Bool] = []
            for await result in group { all.append(result) }
            return all
        }
        #expect(results.count == 16)
        #expect(results.allSatisfy { $0 })
    }
}
