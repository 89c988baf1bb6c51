public import Crypto
public import Foundation

extension SHA256 {
    /// Lower-case hex SHA-256 of `bytes`: how the gateway identifies raw messages and attachments.
    public static func hex(of bytes: some DataProtocol) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(Self.byteCount * 2)
        // A table lookup per nibble: String(format:) per byte costs more than the hash on small inputs.
        for byte in hash(data: bytes) {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
