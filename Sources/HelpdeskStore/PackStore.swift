public import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Raw messages written together, one file per batch (`<root>/<name>.pack`): the messages one
/// after another, each found by its pack, offset and size as the database records them. A
/// backlog's messages then cost one file instead of one each, and creating files was most of
/// what reading a backlog cost. A pack is written once and never changed; it is removed when
/// no message in it is kept any more, or, when no message ever got recorded from it, a day on.
public struct PackStore: Sendable {
    /// The folder that holds the `<name>.pack` files.
    public let root: String

    /// The store under `root`, which `create` makes when it is missing.
    public init(root: String) {
        var root = root
        while root.count > 1, root.hasSuffix("/") { root.removeLast() }
        self.root = root
    }

    /// A writer for one new pack, whose file is created with the first message appended (a
    /// batch with none to keep leaves no file). What it holds counts only once the records naming
    /// it commit, and those wait for the batch's flush of its file system (syncfs(2)).
    public func writer(at date: Date) -> PackWriter {
        PackWriter(store: self, stamp: Self.stamp(date))
    }

    /// Creates the file of a new pack under a name no other pack has.
    func create(stamp: String) throws -> (name: String, path: String, fd: Int32) {
        try makeFolder()
        var attempts = 0
        while true {
            let name = "\(stamp)-\(BlobStore.processID)-\(BlobStore.tempCounter.add(1, ordering: .relaxed).newValue)"
            let path = "\(root)/\(name).pack"
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
            if fd >= 0 {
                // open's mode is filtered by the umask; set 0640 outright.
                guard fchmod(fd, 0o640) == 0 else {
                    let code = errno
                    closeDescriptor(fd)
                    unlink(path)
                    throw BlobStoreError.io("chmod", path: path, errno: code)
                }
                return (name, path, fd)
            }
            attempts += 1
            // Taken (a crash's leftover, or another host's process with the same id on shared
            // storage): the next number.
            guard errno == EEXIST, attempts < 1_000 else { throw BlobStoreError.io("create", path: path, errno: errno) }
        }
    }

    /// The file of pack `name`, or nil unless `name` is one this store gives out (guards
    /// against path traversal).
    public func path(for name: String) -> String? {
        Self.isValidName(name) ? "\(root)/\(name).pack" : nil
    }

    /// The `size` bytes at `offset` in pack `name`, checked against their SHA-256.
    public func read(pack name: String, offset: Int64, size: Int, sha256: String) throws -> [UInt8] {
        guard let path = path(for: name) else { throw BlobStoreError.invalidID(name) }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { throw BlobStoreError.missing(path: path) }
            throw BlobStoreError.io("open", path: path, errno: errno)
        }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let count = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, size - done, off_t(offset) + off_t(done)) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                if count == 0 { throw BlobStoreError.corrupted(path: "\(path) at \(offset)", expected: sha256, actual: "a file that ends early") }
                throw BlobStoreError.io("read", path: path, errno: errno)
            }
            done += count
        }
        let actual = BlobStore.sha256Hex(of: bytes)
        guard actual == sha256.lowercased() else { throw BlobStoreError.corrupted(path: "\(path) at \(offset)", expected: sha256, actual: actual) }
        return bytes
    }

    /// The packs started in `period` (by the time in their name, as the writer's clock gave it):
    /// a pack no message was recorded from (its batch was read, then the poll stopped, crashed
    /// or rolled back) is found this way. A file whose name does not start with a time is none.
    public func names(started period: Range<Date>) throws -> [String] {
        let (from, to) = (Self.stamp(period.lowerBound), Self.stamp(period.upperBound))
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: root)
        } catch CocoaError.fileReadNoSuchFile {
            return []
        }
        return entries.compactMap { entry -> String? in
            guard entry.hasSuffix(".pack") else { return nil }
            let name = String(entry.dropLast(5))
            // The stamp is fixed-width: names compare as the times they start with.
            guard Self.isValidName(name), Self.isStamped(name), name.prefix(from.count) >= from, name.prefix(to.count) < to else { return nil }
            var info = stat()
            guard stat("\(root)/\(entry)", &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
            return name
        }.sorted()
    }

    /// Deletes pack `name`; removing one that is not there is not an error. Returns whether
    /// there was a file to delete.
    @discardableResult
    public func remove(_ name: String) throws -> Bool {
        guard let path = path(for: name) else { throw BlobStoreError.invalidID(name) }
        if unlink(path) == 0 { return true }
        guard errno == ENOENT else { throw BlobStoreError.io("remove", path: path, errno: errno) }
        return false
    }

    /// `20261201T235959Z`: a pack's name says when it was started (to the second, in UTC).
    static func stamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d%02d%02dT%02d%02d%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }

    /// Whether `name` starts as `create` names packs: `20261201T235959Z-`.
    static func isStamped(_ name: String) -> Bool {
        let bytes = Array(name.utf8.prefix(17))
        guard bytes.count == 17 else { return false }
        let digit = UInt8(ascii: "0")...UInt8(ascii: "9")
        return bytes.enumerated().allSatisfy { index, byte in
            switch index {
            case 8: byte == UInt8(ascii: "T")
            case 15: byte == UInt8(ascii: "Z")
            case 16: byte == UInt8(ascii: "-")
            default: digit.contains(byte)
            }
        }
    }

    /// Letters, digits and `-` only, as `create` names packs.
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 100 && name.utf8.allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || byte == UInt8(ascii: "-")
        }
    }

    /// The folder and its missing parents, 0750 as the blob stores' (made durable by the flush).
    private func makeFolder() throws {
        var folders = BlobStore(root: root)
        folders.syncsEachFile = false
        try folders.makeFolders(root)
    }
}

/// A pack being written by one thread: messages appended in order, then closed. After a failed
/// write it takes nothing more (where its end is, is unknown); the batch stops there anyway.
public final class PackWriter {
    private let store: PackStore
    private let stamp: String
    private var file: (name: String, path: String, fd: Int32)?
    private var offset: Int64 = 0
    private var broken = false
    private var closed = false

    init(store: PackStore, stamp: String) {
        self.store = store
        self.stamp = stamp
    }

    deinit { close() }

    /// Appends `bytes`; returns the pack's name and the offset they start at.
    public func append(_ bytes: [UInt8]) throws -> (pack: String, offset: Int64) {
        guard !broken else { throw BlobStoreError.io("append to a pack after a failed write in", path: store.root, errno: EIO) }
        guard !closed else { throw BlobStoreError.io("append to a closed pack in", path: store.root, errno: EBADF) }
        if file == nil {
            do { file = try store.create(stamp: stamp) } catch { broken = true; throw error }
        }
        guard let file else { throw BlobStoreError.io("append to a pack in", path: store.root, errno: EBADF) }
        let start = offset
        do {
            try BlobStore.writeAll(file.fd, bytes, path: file.path)
        } catch {
            broken = true
            throw error
        }
        offset += Int64(bytes.count)
        return (file.name, start)
    }

    /// Closes the file; its data reaches the disk with the batch's flush.
    public func close() {
        closed = true
        guard let open = file, open.fd >= 0 else { return }
        closeDescriptor(open.fd)
        file = (open.name, open.path, -1)
    }
}

/// close(2), out of reach inside `PackWriter`, whose own `close` shadows it.
private func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
}
