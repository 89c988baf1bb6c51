import Foundation
import MailgateTestSupport
import Testing
@testable import MIME

/// The reader never crashes, never hangs and keeps memory in proportion on corpus messages mutated
/// at random (seeded), and flags hostile input with the defect of the limit it hits.
///
/// `MIME_FUZZ_CASES=N` runs N mutated cases instead of the CI default; `MIME_FUZZ_SEED=S` (decimal
/// or 0x-hex) starts at seed S. Case i uses seed S+i, so a failing case reruns alone with its seed
/// and `MIME_FUZZ_CASES=1`.
@Suite("Robustness: mutated and hostile messages", .timeLimit(.minutes(10)))
struct RobustnessTests {
    static let defaultCases = 3000
    static let defaultSeed: UInt64 = 0x4D49_4D45_0000_0000

    @Test func mutatedCorpusMessages() throws {
        guard let urls = CorpusTests.corpusMessages(), !urls.isEmpty else {
            Issue.record("corpus folder Tests/Fixtures/corpus/mime is missing from the checkout")
            return
        }
        let originals = try urls.map { try [UInt8](Data(contentsOf: $0)) }
        let environment = ProcessInfo.processInfo.environment
        let cases = environment["MIME_FUZZ_CASES"].flatMap { Int($0) } ?? Self.defaultCases
        let firstSeed = environment["MIME_FUZZ_SEED"].flatMap(Self.parseSeed) ?? Self.defaultSeed

        FuzzCrashReporter.install()
        defer {
            FuzzCrashReporter.uninstall()
            FuzzCrashReporter.currentSeed = 0
        }
        var slowest: (seed: UInt64, time: Duration) = (firstSeed, .zero)
        for offset in 0..<UInt64(max(cases, 0)) {
            let seed = firstSeed &+ offset
            var generator = SeededGenerator(seed: seed)
            let bytes = MessageMutator.mutate(originals, using: &generator)
            FuzzCrashReporter.currentSeed = seed
            let time = ContinuousClock().measure { Self.readEverything(bytes, seed: seed) }
            // Reported, not asserted: speed is the benchmark's business; the suite's time limit
            // guards against hangs, and the crash reporter names the seed of a crash.
            if time > slowest.time { slowest = (seed, time) }
        }
        print("MIME fuzz: \(cases) cases, seeds \(Self.hex(firstSeed))…\(Self.hex(firstSeed &+ UInt64(max(cases, 1) - 1))), slowest \(Self.hex(slowest.seed)) in \(slowest.time)")
    }

    /// Hostile messages hit a limit, say so in a defect, and are still read in bounded time.
    @Test(arguments: HostileMessage.all)
    func hostileMessageIsFlagged(_ hostile: HostileMessage) {
        let bytes = hostile.build()
        let defects = Self.readEverything(bytes, seed: nil)
        if let expected = hostile.expectedDefect {
            #expect(defects.contains(expected), "\(hostile.name): no \(expected) in \(defects.prefix(8))")
        }
    }

    /// Regression cases: inputs that once went wrong, kept so they stay fixed.
    @Test func addressLimitCountsEveryField() {
        let many = (0..<1500).map { "u\($0)@example.test" }.joined(separator: ", ")
        var defects: [Defect] = []
        let addresses = AddressParser.parse(many, defects: &defects)
        #expect(addresses.count == AddressParser.maxAddresses)
        #expect(defects.contains(.tooManyAddresses(limit: AddressParser.maxAddresses)))
        // Exactly at the limit is not a defect.
        var none: [Defect] = []
        let exact = (0..<AddressParser.maxAddresses).map { "u\($0)@example.test" }.joined(separator: ", ")
        #expect(AddressParser.parse(exact, defects: &none).count == AddressParser.maxAddresses)
        #expect(none.isEmpty)
    }

    /// Parses and touches every field the gateway reads; records an Issue (naming the seed) for a
    /// broken invariant. Returns the message's defects.
    @discardableResult
    static func readEverything(_ bytes: [UInt8], seed: UInt64?) -> [Defect] {
        let message = Message.parse(bytes)
        var touched = 0
        touched &+= message.subject?.utf8.count ?? 0
        for address in message.from + message.to + message.cc + message.replyTo + [message.sender].compactMap(\.self) {
            touched &+= address.address.utf8.count &+ (address.name?.utf8.count ?? 0)
        }
        touched &+= message.messageID?.utf8.count ?? 0
        touched &+= (message.inReplyTo + message.references).count
        touched &+= message.date == nil ? 0 : 1
        touched &+= message.textBody?.utf8.count ?? 0
        touched &+= message.htmlBody?.utf8.count ?? 0
        touched &+= message.reply?.utf8.count ?? 0
        let label = seed.map { "case \(hex($0))" } ?? "hostile message"
        for attachment in message.attachments {
            touched &+= attachment.decodedBody().count &+ (attachment.filename?.utf8.count ?? 0)
            touched &+= attachment.contentID?.utf8.count ?? 0
        }
        for part in message.root.allParts {
            let decoded = part.decodedBody()
            // Memory stays in proportion: no part decodes to more than the whole input.
            if decoded.count > bytes.count {
                Issue.record("\(label): a part decoded to \(decoded.count) bytes from \(bytes.count)")
            }
            touched &+= part.decodedText().text.utf8.count &+ (part.filename?.utf8.count ?? 0)
        }
        if touched < 0 { Issue.record("\(label): impossible total") }
        return message.defects
    }

    static func parseSeed(_ text: String) -> UInt64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed.hasPrefix("0x") { return UInt64(trimmed.dropFirst(2), radix: 16) }
        return UInt64(trimmed)
    }

    static func hex(_ seed: UInt64) -> String { "0x" + String(seed, radix: 16) }
}
