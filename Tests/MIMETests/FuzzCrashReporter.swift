#if canImport(Glibc)
import Glibc
#endif

/// Names the fuzz case that was running when the process dies of a trap or a fault, so a crash
/// in CI can be reproduced from its seed. The handler writes one line with write(2) (nothing
/// else is safe in a signal handler), puts the previous handler back and returns: the faulting
/// instruction runs again and the previous handler (Swift's backtracer) reports as usual.
enum FuzzCrashReporter {
    static let signals: [Int32] = [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGFPE, SIGABRT]

    /// The seed of the case being run; 0 when none.
    nonisolated(unsafe) static var currentSeed: UInt64 = 0
    /// The handlers we replaced, indexed by signal number (allocated once, read in the handler).
    nonisolated(unsafe) static let previous = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)
    nonisolated(unsafe) static var installed = false

    static func install() {
        guard !installed else { return }
        installed = true
        for signal in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signal in
                FuzzCrashReporter.report(signal)
            }
            sigemptyset(&action.sa_mask)
            sigaction(signal, &action, previous + Int(signal))
        }
    }

    static func uninstall() {
        guard installed else { return }
        installed = false
        for signal in signals { sigaction(signal, previous + Int(signal), nil) }
    }

    private static func report(_ signal: Int32) {
        let seed = currentSeed
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { buffer in
            var length = 0
            func put(_ byte: UInt8) { buffer[length] = byte; length += 1 }
            for byte in "\nMIME fuzz: crashed in case MIME_FUZZ_SEED=0x".utf8 { put(byte) }
            for shift in stride(from: 60, through: 0, by: -4) {
                let digit = UInt8(truncatingIfNeeded: seed >> UInt64(shift)) & 0xF
                put(digit < 10 ? 0x30 + digit : 0x57 + digit)   // no lookup table: nothing lazily initialised here
            }
            for byte in " MIME_FUZZ_CASES=1\n".utf8 { put(byte) }
            _ = write(2, buffer.baseAddress, length)
        }
        sigaction(signal, previous + Int(signal), nil)
    }
}
