import Foundation
@testable import HelpdeskStore
import MailgateTestSupport
import Testing

@Suite("Pack store")
struct PackStoreTests {
    func mode(_ path: String) throws -> Int? {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue
    }

    func packFiles(_ root: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted()
    }

    static let messages: [[UInt8]] = [
        Array("Subject: one\r\n\r\nfirst\r\n".utf8),
        [],
        (0...255).map(UInt8.init),
        (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) },
        Array("Subject: last\r\n\r\nlast\r\n".utf8),
    ]

    @Test("messages appended to one pack are read back at their offsets, each checked against its SHA-256")
    func roundTrip() throws {
        let directory = try TemporaryDirectory()
        let store = PackStore(root: directory.path("data/messages/packs"))
        let writer = store.writer(at: Date(timeIntervalSince1970: 1_796_169_600))
        var places: [(pack: String, offset: Int64)] = []
        for message in Self.messages { places.append(try writer.append(message)) }
        writer.close()

        #expect(Set(places.map(\.pack)).count == 1, "one batch, one file")
        #expect(places.map(\.offset) == [0, 23, 23, 279, 200_279])
        let name = places[0].pack
        #expect(name.hasPrefix("20261202T000000Z-"))
        #expect(packFiles(store.root) == ["\(name).pack"])
        #expect(try mode(store.root) == 0o750)
        #expect(try mode("\(store.root)/\(name).pack") == 0o640)
        for (message, place) in zip(Self.messages, places) {
            let read = try store.read(pack: place.pack, offset: place.offset, size: message.count, sha256: BlobStore.sha256Hex(of: message))
            #expect(read == message)
        }
    }

    @Test("a writer given nothing creates no file; two writers create two packs")
    func filesOnlyForWhatIsWritten() throws {
        let directory = try TemporaryDirectory()
        let store = PackStore(root: directory.path("packs"))
        store.writer(at: Date()).close()
        #expect(packFiles(store.root).isEmpty)
        let first = try store.writer(at: Date()).append([1, 2, 3]).pack
        let second = try store.writer(at: Date()).append([1, 2, 3]).pack
        #expect(first != second)
        #expect(packFiles(store.root) == ["\(first).pack", "\(second).pack"].sorted())
    }

    @Test("bytes that do not match their digest, or a pack that ends early, are refused")
    func damagedPacks() throws {
        let directory = try TemporaryDirectory()
        let store = PackStore(root: directory.path("packs"))
        let writer = store.writer(at: Date())
        let message = Array("Subject: x\r\n\r\nbody\r\n".utf8)
        let place = try writer.append(message)
        writer.close()
        let digest = BlobStore.sha256Hex(of: message)
        #expect(throws: BlobStoreError.self) {
            try store.read(pack: place.pack, offset: place.offset + 1, size: message.count - 1, sha256: digest)
        }
        #expect(throws: BlobStoreError.self) {
            try store.read(pack: place.pack, offset: place.offset, size: message.count + 1, sha256: digest)
        }
        #expect(throws: BlobStoreError.missing(path: "\(store.root)/gone.pack")) {
            try store.read(pack: "gone", offset: 0, size: 1, sha256: digest)
        }
    }

    @Test("names that are not a pack's are never turned into paths", arguments: ["../../etc/passwd", "", "a/b", "x.pack", "a b", String(repeating: "a", count: 101)])
    func hostileNames(name: String) throws {
        let store = PackStore(root: "/srv/packs")
        #expect(store.path(for: name) == nil)
        #expect(throws: BlobStoreError.invalidID(name)) { try store.remove(name) }
        #expect(throws: BlobStoreError.invalidID(name)) { try store.read(pack: name, offset: 0, size: 0, sha256: "") }
    }

    @Test("packs are found by the time their name starts with; other files are not packs")
    func packsByTime() throws {
        let directory = try TemporaryDirectory()
        let store = PackStore(root: directory.path("packs"))
        let day: TimeInterval = 86_400
        let start = Date(timeIntervalSince1970: 1_796_169_600)  // 2026-12-02T00:00:00Z
        var names: [String] = []
        for offset in [0, 1, 2, 3] {
            names.append(try store.writer(at: start.addingTimeInterval(Double(offset) * day)).append([1]).pack)
        }
        for stray in ["1", "0-x", "2024notes", "20261202T000000Z"] {
            try Data("x".utf8).write(to: URL(fileURLWithPath: "\(store.root)/\(stray).pack"))
        }
        #expect(try store.names(started: start..<start.addingTimeInterval(2 * day)) == [names[0], names[1]])
        #expect(try store.names(started: start.addingTimeInterval(day)..<start.addingTimeInterval(day + 1)) == [names[1]])
        #expect(try store.names(started: start.addingTimeInterval(-day)..<start) == [])
        #expect(try PackStore(root: directory.path("none")).names(started: start..<start.addingTimeInterval(day)) == [])
    }

    @Test("remove says whether there was a file; appending after close fails")
    func removeAndClose() throws {
        let directory = try TemporaryDirectory()
        let store = PackStore(root: directory.path("packs"))
        let writer = store.writer(at: Date())
        let place = try writer.append([1])
        writer.close()
        #expect(throws: BlobStoreError.self) { _ = try writer.append([2]) }
        #expect(try store.remove(place.pack))
        #expect(try !store.remove(place.pack))
        #expect(packFiles(store.root).isEmpty)
    }
}
