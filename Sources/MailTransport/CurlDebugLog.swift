import CCurl

/// The context of libcurl's debug callback: the server's lines go to `replies`; the subject of the
/// certificate the server showed is kept because libcurl's host-name error names only our side.
final class CurlDebugLog {
    let replies = ServerReplyLog()
    var certificateSubject: String?
    /// What an SMTP server offers; unlike `replies`, it lasts as long as the connection.
    var smtpExtensions = SMTPExtensions()

    private static let subjectPrefix = Array(" subject: ".utf8)

    static let callback: ccurl_debug_callback = { handle, type, data, size, context in
        guard let context, let data else { return 0 }
        let log = Unmanaged<CurlDebugLog>.fromOpaque(context).takeUnretainedValue()
        guard type == CURLINFO_TEXT else {
            if type == CURLINFO_HEADER_IN, size > 0 {
                data.withMemoryRebound(to: UInt8.self, capacity: size) { bytes in
                    for line in UnsafeBufferPointer(start: bytes, count: size).split(separator: UInt8(ascii: "\n")) {
                        var text = String(decoding: line.prefix(ServerReplyLog.maximumLineLength), as: UTF8.self)
                        if text.last == "\r" { text.removeLast() }
                        log.smtpExtensions.read(text)
                    }
                }
            }
            return ServerReplyLog.debugCallback(handle, type, data, size, Unmanaged.passUnretained(log.replies).toOpaque())
        }
        // libcurl's OpenSSL backend logs " subject: CN=…" just before it checks the host name.
        data.withMemoryRebound(to: UInt8.self, capacity: size) { bytes in
            let text = UnsafeBufferPointer(start: bytes, count: min(size, 1024))
            guard text.starts(with: subjectPrefix) else { return }
            var subject = String(decoding: text.dropFirst(subjectPrefix.count), as: UTF8.self)
            while subject.last?.isWhitespace == true { subject.removeLast() }
            log.certificateSubject = subject
        }
        return 0
    }
}
