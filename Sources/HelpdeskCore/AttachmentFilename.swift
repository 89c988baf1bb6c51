import Foundation

/// Turns an attachment's declared file name (sender-controlled) into one safe to show and to save as.
public enum AttachmentFilename {
    /// The longest name most file systems accept, in UTF-8 bytes.
    static let maxBytes = 255
    /// A dotted tail longer than this is not treated as an extension worth keeping when capping.
    static let maxExtensionBytes = 32

    /// `name` reduced to its last path component, without invisible, control or Windows-invalid
    /// characters, NFC, at most 255 UTF-8 bytes; `attachment.<ext>` (from `contentType`) when nothing is left.
    public static func sanitised(_ name: String?, contentType: String) -> String {
        // Split before filtering so "a/../b" can't be rebuilt into a path by dropping characters.
        let component = lastPathComponent(name ?? "")
        let kept = String(String.UnicodeScalarView(component.filter { !isDropped($0) }))
        // Composition after filtering: a dropped zero-width character may have separated "e" from U+0301.
        var result = trimmed(collapsingWhitespace(kept.precomposedStringWithCanonicalMapping))
        if isReservedDeviceName(result) { result = "_" + result }
        result = trimmed(capped(result))
        // The cut can leave just a device name ("COM1 " + one huge grapheme); what remains is then short.
        if isReservedDeviceName(result) { result = "_" + result }
        return result.isEmpty ? "attachment" + fallbackExtension(for: contentType) : result
    }

    static func lastPathComponent(_ name: String) -> Substring.UnicodeScalarView {
        let scalars = name.unicodeScalars
        let start = scalars.lastIndex { $0 == "/" || $0 == "\\" }.map { scalars.index(after: $0) } ?? scalars.startIndex
        return scalars[start...]
    }

    static func isDropped(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true // C0, DEL, C1
        case 0x202A...0x202E, 0x2066...0x2069, 0x061C: true // bidi embeddings, overrides, isolates; Arabic letter mark
        case 0x200B...0x200F, 0x2060, 0xFEFF: true // zero-width spaces, joiners, LRM/RLM, word joiner, BOM
        default: "<>:\"|?*".unicodeScalars.contains(scalar) // invalid in Windows names
        }
    }

    /// Every run of Unicode white space (NBSP, ideographic space, …) becomes one ASCII space.
    static func collapsingWhitespace(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var inRun = false
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace {
                if !inRun { out.append(" ") }
                inRun = true
            } else {
                out.append(scalar)
                inRun = false
            }
        }
        return String(out)
    }

    /// Without spaces and dots at either end: removes "." and "..", and trailing dots Windows would strip.
    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        let isEdge: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "." }
        guard let first = scalars.firstIndex(where: { !isEdge($0) }),
              let last = scalars.lastIndex(where: { !isEdge($0) }) else { return "" }
        return String(scalars[first...last])
    }

    static let reservedDeviceNames: Set<String> = {
        var names: Set<String> = ["CON", "PRN", "AUX", "NUL"]
        for digit in 1...9 { names.insert("COM\(digit)"); names.insert("LPT\(digit)") }
        return names
    }()

    /// Windows opens a device for `CON`, `con.txt`, `Con .tar.gz`: the part before the first dot decides.
    static func isReservedDeviceName(_ name: String) -> Bool {
        let base = String(String.UnicodeScalarView(name.unicodeScalars.prefix { $0 != "." }))
        return reservedDeviceNames.contains(base.trimmingSpaces().uppercased())
    }

    /// At most `maxBytes` UTF-8 bytes; a short extension survives and the stem is cut on a character boundary.
    static func capped(_ name: String) -> String {
        guard name.utf8.count > maxBytes else { return name }
        var stem = Substring(name)
        var ext = Substring()
        if let dot = name.lastIndex(of: "."), dot > name.startIndex,
           name.utf8.distance(from: dot, to: name.endIndex) <= maxExtensionBytes {
            stem = name[..<dot]
            ext = name[dot...]
        }
        let budget = maxBytes - ext.utf8.count
        var cut = prefix(ofCharacters: stem, withinBytes: budget)
        // One grapheme bigger than the budget (stacked combining marks): cut between scalars instead of losing the stem.
        if cut.isEmpty { cut = prefix(ofScalars: stem, withinBytes: budget) }
        return cut + String(ext)
    }

    static func prefix(ofCharacters text: Substring, withinBytes budget: Int) -> String {
        var bytes = 0
        var end = text.startIndex
        for index in text.indices {
            let size = text[index].utf8.count
            guard bytes + size <= budget else { break }
            bytes += size
            end = text.index(after: index)
        }
        return String(text[..<end])
    }

    static func prefix(ofScalars text: Substring, withinBytes budget: Int) -> String {
        var out = String.UnicodeScalarView()
        var bytes = 0
        for scalar in text.unicodeScalars {
            let size = UTF8.width(scalar)
            guard bytes + size <= budget else { break }
            bytes += size
            out.append(scalar)
        }
        return String(out)
    }

    /// The extension for an unnamed attachment, so it still opens with the right program.
    static func fallbackExtension(for contentType: String) -> String {
        let mediaType = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        switch mediaType.trimmingSpaces().lowercased() {
        case "text/plain": return ".txt"
        case "text/html": return ".html"
        case "image/png": return ".png"
        case "image/jpeg": return ".jpg"
        case "image/gif": return ".gif"
        case "application/pdf": return ".pdf"
        case "message/rfc822": return ".eml"
        case "text/calendar": return ".ics"
        default: return ".bin"
        }
    }
}
