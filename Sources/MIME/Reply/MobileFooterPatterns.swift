/// The one-line footers mail apps add ("Sent from my iPhone", "Get Outlook for iOS"), per language.
enum MobileFooterPatterns {
    /// "Sent from my <device>": the device may be anything ("TI-85", "Alcatel Flash2"), so
    /// the rule is about the shape (a few words, then perhaps an apology for typos).
    static let deviceOwnerPrefixes: [FoldedText] = [
        "sent from my ", "sent from a ", "sent from an ", "sent from mobile ",
    ].map(FoldedText.init)

    /// Words that turn the rest of a "Sent from my …" line into an apology, still a footer.
    static let apologyWords: [FoldedText] = [
        "excuse", "typo", "brevity", "brief", "sorry", "pardon", "short", "autocorrect", "spelling", "errors",
    ].map(FoldedText.init)

    /// Openings of footers, with the rest naming a device or an app (`deviceWords`).
    static let appPrefixes: [FoldedText] = [
        // English
        "sent from ", "sent via ", "sent with ", "sent using ", "sent by ", "sent on ", "from my ",
        // French
        "envoyé depuis ", "envoyé de mon ", "envoyé à partir de ", "envoye depuis ", "envoyé avec ",
        // German
        "von meinem ", "diese nachricht wurde von meinem ", "gesendet von ", "gesendet mit ",
        // Dutch
        "verzonden met ", "verzonden vanaf ", "verzonden van ", "verstuurd vanaf ", "verstuurd met ",
        // Spanish, Portuguese
        "enviado desde ", "enviado do ", "enviado de ", "enviado com ", "enviado con ",
        // Italian
        "inviato da ", "inviato dal ", "inviato con ",
        // Scandinavian
        "skickat från ", "skickat med ", "sendt fra ", "sendt med ",
        // Polish, Czech
        "wysłane z ", "wysłano z ", "wysłane przy użyciu ", "odesláno z ",
        // Russian, Ukrainian
        "отправлено с ", "отправлено из ", "надіслано з ", "надіслано із ",
        // Finnish
        "lähetetty ",
        // Greek, Hebrew, Arabic
        "στάλθηκε από ", "εστάλη από ", "נשלח מ", "أُرسلت من ", "أرسلت من ", "تم الإرسال من ",
        // Chinese, Japanese
        "寄自我的", "发自我的", "從我的", "从我的", "来自我的",
    ].map(FoldedText.init)

    /// Endings of footers in languages that put the verb last, with a device named before them:
    /// "iPhone から送信", "내 iPhone에서 보냄", "iPhone'umdan gönderildi".
    static let appSuffixes: [FoldedText] = [
        "から送信", "에서 보냄", "gönderildi", "发送", "傳送",
    ].map(FoldedText.init)

    /// Devices and apps (and declined forms, Czech "z iPhonu"); a footer names one, which keeps
    /// "Sent from home" a sentence.
    static let deviceWords: [FoldedText] = [
        "iphone", "iphonu", "ipad", "ipod", "android", "blackberry", "mobil", "phone", "handy", "cell", "galaxy",
        "samsung", "huawei", "xiaomi", "pixel", "nokia", "htc", "motorola", "sony", "xperia", "windows",
        "outlook", "mail", "airmail", "gmail", "yahoo", "spark", "tablet", "device", "appareil",
        "téléphone", "telefon", "teléfono", "telefone", "telefono", "móvil", "movil", "celular",
        "smartphone", "телефон", "смартфон", "k-9", "aquamail", "bluemail", "newton", "superhuman",
        "protonmail", "tutanota", "fairemail",
    ].map(FoldedText.init)

    /// Whole footers that fit none of the shapes above.
    static let exactFooters: [FoldedText] = [
        "ᐧ",  // Mailtrack's mark at the end of tracked mail
        "iphoneから送信", "android搭載端末から送信",
    ].map(FoldedText.init)

    /// "Someone from mobile": a name, then where it was written.
    static let fromDeviceSuffixes: [FoldedText] = [
        " from mobile", " from my mobile", " from my phone", " from phone", " from iphone", " from my iphone",
    ].map(FoldedText.init)

    /// Outlook's "Get Outlook for iOS" in the languages its apps ship in, up to the platform name.
    static let outlookPrefixes: [FoldedText] = [
        "get outlook for ", "télécharger outlook pour ", "obtenir outlook pour ", "outlook für ",
        "obtener outlook para ", "scarica outlook per ", "baixe o outlook para ", "obter o outlook para ",
        "hämta outlook för ", "outlook voor ", "pobierz aplikację outlook dla ", "скачайте outlook для ",
        "hent outlook til ", "få outlook til ", "hanki outlook ",
    ].map(FoldedText.init)

    /// The platforms those footers name.
    static let outlookPlatforms: [FoldedText] = ["ios", "android", "iphone", "ipad"].map(FoldedText.init)
}
