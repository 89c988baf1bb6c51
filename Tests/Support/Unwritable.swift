import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Makes a file or folder refuse writes for this process, for tests of what a read-only
/// database or data folder does. The mode bits stop an ordinary user; root ignores them, so for
/// root the immutable attribute (ext4 and the like, CAP_LINUX_IMMUTABLE).
public enum Unwritable {
    /// Makes `path` unwritable and returns what undoes it (call it before the folder is removed:
    /// an immutable file cannot be deleted), or nil when nothing here can.
    public static func make(_ path: String) -> (() -> Void)? {
        var isFolder: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
        let writable: mode_t = isFolder.boolValue ? 0o755 : 0o644
        chmod(path, isFolder.boolValue ? 0o555 : 0o444)
        if !canWrite(path, isFolder: isFolder.boolValue) { return { chmod(path, writable) } }
        if run("/usr/bin/chattr", ["+i", path]) == 0, !canWrite(path, isFolder: isFolder.boolValue) {
            return {
                _ = run("/usr/bin/chattr", ["-i", path])
                chmod(path, writable)
            }
        }
        _ = run("/usr/bin/chattr", ["-i", path])
        chmod(path, writable)
        return nil
    }

    /// Whether this process can write the file, or create a file in the folder, now.
    public static func canWrite(_ path: String, isFolder: Bool) -> Bool {
        let target = isFolder ? path + "/.probe-\(UUID().uuidString)" : path
        let fd = open(target, isFolder ? (O_WRONLY | O_CREAT) : O_WRONLY, 0o644)
        guard fd >= 0 else { return false }
        close(fd)
        if isFolder { unlink(target) }
        return true
    }

    /// Runs a short tool and returns its exit status (posix_spawn and waitpid; -1 when it could
    /// not run).
    static func run(_ tool: String, _ arguments: [String]) -> Int32 {
        guard FileManager.default.isExecutableFile(atPath: tool) else { return -1 }
        let argv = ([tool] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, tool, nil, nil, argv, environ) == 0 else { return -1 }
        var status: Int32 = 0
        guard waitpid(pid, &status, 0) == pid else { return -1 }
        return status
    }
}
