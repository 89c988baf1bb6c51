import Glibc
import Synchronization

/// Open iconv descriptors kept for reuse, by charset name. iconv_open and iconv_close are far
/// dearer than a conversion of a mail body (glibc looks the conversion up and loads, then later
/// unloads, its gconv module), and a mailbox uses the same few charsets over and over.
///
/// A descriptor carries shift state and must never be used by two threads at once, so the cache
/// is a pool, not a shared map: `checkOut` removes a descriptor (or opens a new one) and hands it
/// to one caller alone; `checkIn` resets its state and puts it back, or closes it when the pool
/// is full. The lock is held only to move a pointer in or out, never during a conversion.
enum IconvCache {
    /// An open descriptor for conversion from one charset to UTF-8.
    struct Descriptor: @unchecked Sendable {
        // @unchecked: a raw pointer is not Sendable, but the pool gives each descriptor to one
        // holder at a time, so it never crosses threads while in use.
        let handle: iconv_t
        let charset: String
    }

    /// Descriptors kept per charset: more than the threads that convert at once gains nothing.
    static let maxPerCharset = 4
    /// Charsets kept at once: bounds what a stream of messages with odd labels can make us hold.
    static let maxCharsets = 32

    private static let pool = Mutex<[String: [Descriptor]]>([:])

    /// A descriptor converting `charset` to UTF-8, in its initial state; nil when iconv does not
    /// know the name. Give it back with `checkIn` when done.
    static func checkOut(_ charset: String) -> Descriptor? {
        let cached: Descriptor? = pool.withLock { idle in idle[charset]?.popLast() }
        if let cached { return cached }
        let handle = iconv_open("UTF-8", charset)
        guard let handle, handle != UnsafeMutableRawPointer(bitPattern: -1) else { return nil }
        return Descriptor(handle: handle, charset: charset)
    }

    /// Resets `descriptor` to its initial state (a conversion may have stopped half way through a
    /// shift sequence or an invalid byte) and keeps it for the next caller, or closes it.
    static func checkIn(_ descriptor: Descriptor) {
        iconv(descriptor.handle, nil, nil, nil, nil)
        let kept = pool.withLock { idle in
            if idle[descriptor.charset] == nil, idle.count >= maxCharsets { return false }
            if idle[descriptor.charset, default: []].count >= maxPerCharset { return false }
            idle[descriptor.charset, default: []].append(descriptor)
            return true
        }
        if !kept { iconv_close(descriptor.handle) }
    }

    /// How many descriptors are idle for `charset`, for tests.
    static func idleCount(_ charset: String) -> Int {
        pool.withLock { idle in idle[charset]?.count ?? 0 }
    }
}
