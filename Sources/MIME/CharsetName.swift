extension Charset {
    /// The name to convert with: "UTF-8", "US-ASCII", "ISO-8859-1", "WINDOWS-1252" (handled here),
    /// an iconv name, or "" for labels that name no charset at all ("unknown-8bit").
    public static func canonicalName(_ label: String) -> String {
        var name = label.trimmingWhitespace.lowercased()
        if name.hasPrefix("\""), name.hasSuffix("\""), name.count >= 2 { name = String(name.dropFirst().dropLast()) }
        // RFC 2231 section 5: a language suffix after "*".
        if let star = name.firstIndex(of: "*") { name = String(name[..<star]) }
        name = name.trimmingWhitespace
        if let known = aliases[name] { return known }
        if name.isEmpty || unknownLabels.contains(name) { return "" }
        if let windows = windowsCodePage(name) { return windows }
        if let iso = iso8859Part(name) { return iso == "1" ? "ISO-8859-1" : "ISO-8859-\(iso)" }
        // Only characters iconv names are made of; anything else cannot be a charset.
        guard name.utf8.allSatisfy({ $0.isASCIILetter || $0.isASCIIDigit || $0 == ASCII.hyphen || $0 == ASCII.underscore
            || $0 == ASCII.dot || $0 == ASCII.colon }), name.utf8.count <= 40
        else { return "" }
        return name.uppercased()
    }

    /// "windows-1251", "cp-1251", "win-1251", "x-cp1251" → "CP1251".
    private static func windowsCodePage(_ name: String) -> String? {
        for prefix in ["windows-", "windows", "win-", "win", "x-cp", "cp-", "cp", "ms-", "ms"] where name.hasPrefix(prefix) {
            let digits = name.dropFirst(prefix.count)
            if digits.count == 4, digits.hasPrefix("125"), digits.allSatisfy(\.isNumber) {
                return digits == "1252" ? "WINDOWS-1252" : "CP\(digits)"
            }
        }
        return nil
    }

    /// "iso-8859-2", "iso8859-2", "iso_8859-2:1987", "iso 8859-2", "8859-2" → "2".
    private static func iso8859Part(_ name: String) -> String? {
        var rest = Substring(name)
        if rest.hasPrefix("iso") { rest = rest.dropFirst(3) }
        rest = rest.drop { $0 == "-" || $0 == "_" || $0 == " " }
        guard rest.hasPrefix("8859") else { return nil }
        rest = rest.dropFirst(4).drop { $0 == "-" || $0 == "_" || $0 == " " }
        let part = rest.prefix { $0.isNumber }
        guard !part.isEmpty, let number = Int(part), (1...16).contains(number), number != 12 else { return nil }
        return String(number)
    }

    /// Labels that say "no idea": reading them with a guess beats asking iconv.
    private static let unknownLabels: Set<String> = [
        "unknown", "unknown-8bit", "x-unknown", "x-user-defined", "default", "charset", "8bit", "7bit",
        "none", "null", "binary", "us-ascii?", "auto",
    ]

    /// Common labels mail clients write, mapped to what we convert with. CJK legacy names map to
    /// their Microsoft supersets, which is what the senders actually produced.
    private static let aliases: [String: String] = [
        "utf-8": "UTF-8", "utf8": "UTF-8", "unicode-1-1-utf-8": "UTF-8", "x-unicode20utf8": "UTF-8", "utf_8": "UTF-8",
        "us-ascii": "US-ASCII", "ascii": "US-ASCII", "us": "US-ASCII", "ansi_x3.4-1968": "US-ASCII",
        "ansi_x3.4-1986": "US-ASCII", "iso646-us": "US-ASCII", "iso_646.irv:1991": "US-ASCII", "646": "US-ASCII",
        "cp367": "US-ASCII", "ibm367": "US-ASCII", "csascii": "US-ASCII",
        "latin1": "ISO-8859-1", "latin-1": "ISO-8859-1", "l1": "ISO-8859-1", "cp819": "ISO-8859-1",
        "ibm819": "ISO-8859-1", "iso-ir-100": "ISO-8859-1", "csisolatin1": "ISO-8859-1",
        "latin2": "ISO-8859-2", "latin-2": "ISO-8859-2", "l2": "ISO-8859-2",
        "latin3": "ISO-8859-3", "latin4": "ISO-8859-4", "cyrillic": "ISO-8859-5", "arabic": "ISO-8859-6",
        "greek": "ISO-8859-7", "hebrew": "ISO-8859-8", "iso-8859-8-i": "ISO-8859-8", "latin5": "ISO-8859-9",
        "latin6": "ISO-8859-10", "latin9": "ISO-8859-15", "latin-9": "ISO-8859-15", "latin0": "ISO-8859-15",
        "x-cp1252": "WINDOWS-1252", "ansi": "WINDOWS-1252",
        "ks_c_5601-1987": "CP949", "ks_c_5601-1989": "CP949", "ks_c_5601": "CP949", "ksc5601": "CP949",
        "ksc_5601": "CP949", "euc-kr": "CP949", "euckr": "CP949", "x-euc-kr": "CP949", "korean": "CP949",
        "cp949": "CP949", "uhc": "CP949", "windows-949": "CP949",
        "gb2312": "GB18030", "gb_2312-80": "GB18030", "gb_2312": "GB18030", "csgb2312": "GB18030",
        "euc-cn": "GB18030", "x-euc-cn": "GB18030", "gbk": "GB18030", "x-gbk": "GB18030", "cp936": "GB18030",
        "windows-936": "GB18030", "chinese": "GB18030", "gb18030": "GB18030", "hz-gb-2312": "HZ",
        "big5": "CP950", "x-big5": "CP950", "cn-big5": "CP950", "csbig5": "CP950", "cp950": "CP950",
        "big5-hkscs": "BIG5-HKSCS",
        "shift_jis": "CP932", "shift-jis": "CP932", "sjis": "CP932", "x-sjis": "CP932", "ms_kanji": "CP932",
        "csshiftjis": "CP932", "windows-31j": "CP932", "cp932": "CP932", "x-ms-cp932": "CP932",
        "iso-2022-jp": "ISO-2022-JP-2", "csiso2022jp": "ISO-2022-JP-2", "iso-2022-jp-2": "ISO-2022-JP-2",
        "euc-jp": "EUC-JP", "x-euc-jp": "EUC-JP", "cseucpkdfmtjapanese": "EUC-JP",
        "koi8-r": "KOI8-R", "koi8r": "KOI8-R", "cskoi8r": "KOI8-R", "koi8-u": "KOI8-U", "koi8": "KOI8-R",
        "tis-620": "CP874", "windows-874": "CP874", "x-windows-874": "CP874", "iso-8859-11": "CP874",
        "macintosh": "MACINTOSH", "mac": "MACINTOSH", "x-mac-roman": "MACINTOSH", "macroman": "MACINTOSH",
        "utf-16": "UTF-16", "utf-16le": "UTF-16LE", "utf-16be": "UTF-16BE", "unicode": "UTF-16",
        "ucs-2": "UTF-16", "utf-32": "UTF-32", "utf-7": "UTF-7", "utf7": "UTF-7", "x-utf-7": "UTF-7",
        "ibm866": "CP866", "cp866": "CP866", "x-mac-cyrillic": "MAC-CYRILLIC", "viscii": "VISCII",
    ]
}
