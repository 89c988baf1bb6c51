extension ContentType {
    /// The media type a file name's extension stands for, for files that arrive without a
    /// Content-Type of their own (uuencoded blocks, files inside winmail.dat);
    /// application/octet-stream when the extension is unknown or missing.
    public init(guessingFrom filename: String?) {
        let name = filename.map { $0.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? $0 } ?? ""
        let ext = name.lastIndex(of: ".").map { name[name.index(after: $0)...].lowercased() } ?? ""
        let media = Self.mediaTypes[ext] ?? "application/octet-stream"
        let pieces = media.split(separator: "/", maxSplits: 1)
        self.init(type: String(pieces[0]), subtype: String(pieces[1]))
    }

    /// Extensions seen on help desk attachments, lower-case; the values are IANA media types.
    private static let mediaTypes: [String: String] = [
        "txt": "text/plain", "log": "text/plain", "text": "text/plain", "md": "text/markdown",
        "csv": "text/csv", "htm": "text/html", "html": "text/html", "xml": "application/xml",
        "json": "application/json", "ics": "text/calendar", "vcf": "text/vcard", "rtf": "application/rtf",
        "pdf": "application/pdf", "eml": "message/rfc822", "msg": "application/vnd.ms-outlook",
        "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "bmp": "image/bmp",
        "tif": "image/tiff", "tiff": "image/tiff", "svg": "image/svg+xml", "webp": "image/webp",
        "heic": "image/heic", "ico": "image/vnd.microsoft.icon",
        "zip": "application/zip", "gz": "application/gzip", "tgz": "application/gzip", "tar": "application/x-tar",
        "7z": "application/x-7z-compressed", "rar": "application/vnd.rar",
        "doc": "application/msword", "dot": "application/msword",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls": "application/vnd.ms-excel",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt": "application/vnd.ms-powerpoint",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt": "application/vnd.oasis.opendocument.text", "ods": "application/vnd.oasis.opendocument.spreadsheet",
        "odp": "application/vnd.oasis.opendocument.presentation",
        "mp3": "audio/mpeg", "wav": "audio/wav", "ogg": "audio/ogg", "m4a": "audio/mp4",
        "mp4": "video/mp4", "mov": "video/quicktime", "avi": "video/x-msvideo", "webm": "video/webm",
    ]
}
