import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension String {
    /// Whether the text holds a NUL (U+0000), which neither backend keeps in a text column.
    /// memchr over the contiguous UTF-8: `utf8.contains(0)` steps through the view a byte at a
    /// time, and every queued mail checks its texts.
    package var containsNUL: Bool {
        var text = self
        return text.withUTF8 { bytes in
            guard let start = bytes.baseAddress, !bytes.isEmpty else { return false }
            return memchr(start, 0, bytes.count) != nil
        }
    }
}
