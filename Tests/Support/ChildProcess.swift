public import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process started with posix_spawn, output captured in files, reaped with waitpid.
/// Foundation's Process can leave children unreaped when tests start processes concurrently,
/// which hangs `waitUntilExit`; this keeps every wait bounded.
public final class ChildProcess {
    public let pid: pid_t
    private let outputFile: String
    private let errorFile: String
    private var status: Int32?

    /// `stdin` is a file the child reads as its standard input; /dev/null when nil.
    public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil) throws {
        let directory = FileManager.default.temporaryDirectory.path
        let stem = "\(directory)/mailgate-child-\(UUID().uuidString)"
        outputFile = stem + ".out"
        errorFile = stem + ".err"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputFile, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errorFile, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        // The test runner's threads block signals, and a spawned child inherits that mask: a mail
        // server started from here would then ignore SIGTERM. Start children with everything
        // unblocked and default dispositions.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard result == 0 else { throw ChildProcessError(description: "cannot start \(executable): \(String(cString: strerror(result)))") }
        pid = child
    }

    deinit {
        if status == nil {
            kill(pid, SIGKILL)
            _ = wait(seconds: 5)
        }
        unlink(outputFile)
        unlink(errorFile)
    }

    /// The exit status, waiting at most `seconds`; nil when it is still running then.
    public func wait(seconds: Double) -> Int32? {
        if let status { return status }
        let deadline = Date(timeIntervalSinceNow: seconds)
        repeat {
            var raw: Int32 = 0
            if waitpid(pid, &raw, WNOHANG) == pid {
                // WIFEXITED / WEXITSTATUS, spelled out: the C macros are not imported.
                status = (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
                return status
            }
            usleep(20_000)
        } while Date() < deadline
        return nil
    }

    /// Waits up to `seconds`, killing the child when it takes longer.
    public func finish(seconds: Double) throws -> Int32 {
        if let status = wait(seconds: seconds) { return status }
        kill(pid, SIGKILL)
        _ = wait(seconds: 5)
        throw ChildProcessError(description: "process \(pid) did not finish within \(seconds) s; killed. stderr:\n\(stderr)")
    }

    public func signal(_ number: Int32) { kill(pid, number) }

    public var stdout: String { (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? "" }
    public var stderr: String { (try? String(contentsOfFile: errorFile, encoding: .utf8)) ?? "" }
}

/// A child that could not be started, or did not finish in time.
public struct ChildProcessError: Error, CustomStringConvertible {
    public var description: String
}
