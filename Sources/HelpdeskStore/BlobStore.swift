import Crypto
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Content-addressed files (raw messages, attachments) under a root folder, named by their SHA-256.
public struct BlobStore: Sendable {
    /// The folder that holds the `ab/<sha256>` files (and `ab/cd/<sha256>` ones stored by
    /// releases before one folder level was enough; they are still found, read and removed).
    public let root: String
    /// Whether `put` makes each file durable (fsync of the file and its folder) before it
    /// returns. A batch writer turns this off and calls `syncFileSystem()` once before it
    /// commits what refers to the files: one flush for the batch instead of two per file.
    public var syncsEachFile = true

    public init(root: String) {
        // "/srv/blobs/" and "/srv/blobs" name the same store; keep paths free of "//".
        var root = root
        while root.count > 1, root.hasSuffix("/") { root.removeLast() }
        self.root = root
    }

    /// Stores `bytes` (once) and returns their lower-case hex SHA-256, the id to read them back with.
    /// `sha256`: that id when the caller has just computed it from the same bytes (hashing a
    /// backlog's messages twice cost a thirtieth of reading them). It must be 64 hex digits (else
    /// the bytes are hashed here); that it matches them is asserted in debug builds only, and
    /// `read` refuses bytes that do not match their name.
    @discardableResult
    public func put(_ bytes: [UInt8], sha256: String? = nil) throws -> String {
        let id = sha256.flatMap(normalised) ?? Self.sha256Hex(of: bytes)
        assert(sha256 == nil || id == Self.sha256Hex(of: bytes), "put was given an id that is not the bytes' SHA-256")
        let (folder, file) = location(of: id)
        let size = try regularFileSize(file)
        if size == bytes.count { return id }
        // An older release's copy counts only when there is no new one: `read` takes the new one.
        if size == nil, try regularFileSize(legacyLocation(of: id)) == bytes.count { return id }

        try makeFolders(folder)
        let (fd, temp) = try Self.createTemporaryFile(in: folder)
        var renamed = false
        defer { if !renamed { unlink(temp) } }
        do {
            defer { close(fd) }
            // open's mode is filtered by the umask; set 0640 outright.
            guard fchmod(fd, 0o640) == 0 else { throw BlobStoreError.io("chmod", path: temp, errno: errno) }
            try Self.writeAll(fd, bytes, path: temp)
            // Data must be on disk before the name points at it, or a crash can leave an empty blob.
            // Deferred, a crash before the batch's flush can leave one too, but nothing refers to
            // it yet, and the size check above writes it again.
            if syncsEachFile {
                guard fsync(fd) == 0 else { throw BlobStoreError.io("fsync", path: temp, errno: errno) }
            }
        }
        guard rename(temp, file) == 0 else { throw BlobStoreError.io("rename to \(file)", path: temp, errno: errno) }
        renamed = true
        if syncsEachFile { syncFolder(folder) }
        return id
    }

    /// Makes everything written to the store's file system durable (syncfs(2)): the files `put`
    /// left unsynced, their folders and names. Throws when the flush fails, so the caller does
    /// not commit records that name files which may be lost.
    public func syncFileSystem() throws {
        let folder = nearestFolder()
        let fd = open(folder, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw BlobStoreError.io("open", path: folder, errno: errno) }
        defer { close(fd) }
        guard linuxSyncfs(fd) == 0 else { throw BlobStoreError.io("flush (syncfs) the file system of", path: folder, errno: errno) }
    }

    /// Which file system the store is on (its device number), so stores sharing one are flushed once.
    public func fileSystemID() -> UInt64? {
        var info = stat()
        return stat(nearestFolder(), &info) == 0 ? UInt64(info.st_dev) : nil
    }

    /// The root, or its nearest existing parent while it does not exist yet (nothing stored):
    /// that is on the same file system.
    private func nearestFolder() -> String {
        var folder = root
        while !isDirectory(folder), let slash = folder.lastIndex(of: "/"), slash != folder.startIndex {
            folder = String(folder[..<slash])
        }
        return folder
    }

    /// Where the blob `sha256` lives (where it would be stored when it is not), or nil unless
    /// `sha256` is exactly 64 hex digits (guards against path traversal).
    public func path(for sha256: String) -> String? {
        normalised(sha256).map(existingFile)
    }

    /// Whether a blob with this id is stored (its content is not verified here; `read` does that).
    public func contains(_ sha256: String) -> Bool {
        guard let file = path(for: sha256) else { return false }
        return (try? regularFileSize(file)) != nil
    }

    /// The bytes of blob `sha256`, checked against their hash.
    public func read(_ sha256: String) throws -> [UInt8] {
        guard let id = normalised(sha256) else { throw BlobStoreError.invalidID(sha256) }
        let file = existingFile(of: id)
        let bytes = try readAll(file)
        let actual = Self.sha256Hex(of: bytes)
        guard actual == id else { throw BlobStoreError.corrupted(path: file, expected: id, actual: actual) }
        return bytes
    }

    /// Deletes blob `sha256`; removing one that is not there is not an error. Returns whether
    /// there was a file to delete (a raw message in a pack has none of its own).
    @discardableResult
    public func remove(_ sha256: String) throws -> Bool {
        guard let id = normalised(sha256) else { throw BlobStoreError.invalidID(sha256) }
        var removed = false
        for file in [location(of: id).file, legacyLocation(of: id)] {
            if unlink(file) == 0 {
                removed = true
            } else if errno != ENOENT && errno != ENOTDIR {
                throw BlobStoreError.io("remove", path: file, errno: errno)
            }
        }
        return removed
    }

    // MARK: Naming

    /// This process's id, in its temp names.
    static let processID = getpid()
    /// The last temp-name number taken (a UUID instead read /dev/urandom for every put).
    static let tempCounter = Atomic<Int>(0)

    static func sha256Hex(of bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in SHA256.hash(data: bytes) {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The lower-cased id, or nil unless it is exactly 64 ASCII hex digits.
    private func normalised(_ sha256: String) -> String? {
        let utf8 = sha256.utf8
        guard utf8.count == 64 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"): out.append(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): out.append(byte + 32)
            default: return nil
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `root/ab` and `root/ab/<id>` for a normalised id: 256 folders. A second level (65,536
    /// folders, each a 4 KB directory block and a mkdir for nearly every early blob) cost a
    /// tenth of reading a backlog and buys nothing: ext4 and XFS index large folders.
    private func location(of id: String) -> (folder: String, file: String) {
        let folder = "\(rootPrefix)/\(id.prefix(2))"
        return (folder, "\(folder)/\(id)")
    }

    /// `root/ab/cd/<id>`, where releases before the one-level layout stored blob `id`.
    private func legacyLocation(of id: String) -> String {
        "\(rootPrefix)/\(id.prefix(2))/\(id.dropFirst(2).prefix(2))/\(id)"
    }

    /// The root as paths under it start ("" for "/", so no path begins with "//").
    private var rootPrefix: String { root == "/" ? "" : root }

    /// The blob's file in the current layout, or in the old one when only that one exists.
    private func existingFile(of id: String) -> String {
        let file = location(of: id).file
        let legacy = legacyLocation(of: id)
        return (try? regularFileSize(file)) == nil && (try? regularFileSize(legacy)) != nil ? legacy : file
    }

    // MARK: File system

    /// The size of the regular file at `path`, nil if there is none.
    private func regularFileSize(_ path: String) throws -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw BlobStoreError.io("stat", path: path, errno: errno)
        }
        return (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : nil
    }

    /// Creates `folder` and any missing parents with mode 0750; existing folders are left as they are.
    /// (Also `PackStore`'s, with `syncsEachFile` off.)
    func makeFolders(_ folder: String) throws {
        var missing: [String] = []
        var current = folder
        while !current.isEmpty, !isDirectory(current) {
            missing.append(current)
            guard let slash = current.lastIndex(of: "/") else { break }
            current = String(current[..<slash])
        }
        for path in missing.reversed() {
            if mkdir(path, 0o750) == 0 {
                // mkdir's mode is filtered by the umask; set it outright.
                guard chmod(path, 0o750) == 0 else { throw BlobStoreError.io("chmod", path: path, errno: errno) }
                // A new folder's own entry must survive a power loss too, or the file in it would.
                if syncsEachFile, let slash = path.lastIndex(of: "/") { syncFolder(slash == path.startIndex ? "/" : String(path[..<slash])) }
            } else if errno != EEXIST {
                throw BlobStoreError.io("create folder", path: path, errno: errno)
            }
        }
    }

    /// A new file in `folder` under a name no other put uses, so the rename into place is atomic
    /// and concurrent puts don't collide: the process id tells processes apart, `next` (the
    /// process's counter) its puts. A name already taken (left by a crash, or by a process with
    /// the same id in another container on a shared folder) is skipped, never reused.
    static func createTemporaryFile(
        in folder: String, next: () -> Int = { tempCounter.add(1, ordering: .relaxed).newValue }
    ) throws -> (fd: Int32, path: String) {
        var attempts = 0
        while true {
            let temp = "\(folder)/.tmp-\(processID)-\(next())"
            let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
            if fd >= 0 { return (fd, temp) }
            attempts += 1
            guard errno == EEXIST, attempts < 1_000 else { throw BlobStoreError.io("create", path: temp, errno: errno) }
        }
    }

    private func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Best effort: makes the rename itself durable. A failure here loses nothing already written.
    private func syncFolder(_ folder: String) {
        let fd = open(folder, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    /// Writes all of `bytes` to `fd` (also a pack's appends).
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw BlobStoreError.io("write", path: path, errno: errno)
                }
                offset += written
            }
        }
    }

    private func readAll(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT || errno == ENOTDIR { throw BlobStoreError.missing(path: path) }
            throw BlobStoreError.io("open", path: path, errno: errno)
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw BlobStoreError.io("read", path: path, errno: errno)
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[..<count])
        }
    }
}

#if os(Linux)
/// syncfs(2): glibc declares it only under _GNU_SOURCE, which the Glibc module does not set.
@_silgen_name("syncfs")
private func linuxSyncfs(_ fd: Int32) -> Int32
#else
/// Elsewhere, sync(2): every file system, but just as durable.
private func linuxSyncfs(_ fd: Int32) -> Int32 {
    sync()
    return 0
}
#endif

/// read(2), out of reach inside `BlobStore`, whose own `read` shadows it.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}

/// Why a blob could not be stored, found or trusted; the description names the path and a next step.
public enum BlobStoreError: Error, Equatable, CustomStringConvertible {
    /// The id is not 64 hex digits, so it names no blob (and is never turned into a path).
    case invalidID(String)
    /// No file at the blob's path.
    case missing(path: String)
    /// The file's content no longer hashes to its name.
    case corrupted(path: String, expected: String, actual: String)
    /// A system call failed.
    case io(_ operation: String, path: String, errno: Int32)

    public var description: String {
        switch self {
        case .invalidID(let id):
            let shown = id.count > 80 ? String(id.prefix(80)) + "…" : id
            return "blob id \"\(shown)\" is not a SHA-256 (64 hex digits); check where the id came from"
        case .missing(let path):
            return "blob \(path) is missing; it was removed or never stored, so restore it from a backup or re-ingest the message"
        case .corrupted(let path, let expected, let actual):
            return "blob \(path) is corrupted: its content hashes to \(actual), not \(expected); "
                + "restore the file from a backup or re-ingest the message, then remove the damaged file"
        case .io(let operation, let path, let code):
            return "blob store could not \(operation) \(path): \(String(cString: strerror(code))) (errno \(code)); "
                + "check that the folder exists, is writable by the gateway and the disk is not full"
        }
    }
}
