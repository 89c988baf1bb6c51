/// The words mail clients put above quoted history, per language, folded for comparison.
///
/// Lists, not regular expressions: each is checked at a line's start or end only, so adding a
/// language costs one entry and can never make matching slow.
enum QuoteHeaderPatterns {
    /// Words an attribution line starts with ("On <date>, <name> wrote:"), case as written,
    /// because a capital is what tells "On 5 May, Ann wrote:" from "on this day I wrote".
    static let openers: [[UInt8]] = [
        "On", // English
        "Am", // German
        "Le", // French
        "El", // Spanish
        "Em", // Portuguese
        "Op", // Dutch
        "W dniu", "Dnia", // Polish
        "Den", "På", // Swedish, Danish, Norwegian
        "Il", // Italian
        "Dne", // Czech
        "Pe", // Romanian
        "В", "У", // Russian, Ukrainian ("В понедельник", "У пн")
    ].map { Array($0.utf8) }

    /// How an attribution ends, before its colon: "wrote" and its translations.
    static let closingVerbs: [FoldedText] = [
        "wrote", "writes",
        "schrieb", "geschrieben",
        "a écrit", "a ecrit", "écrit",
        "escribió", "escribio",
        "escreveu",
        "het volgende geschreven", "het volgende", "geschreven", "schreef",
        "pisze", "napisał", "napisała", "napisał(a)", "napisal", "napisal(a)",
        "написал", "написала", "написал(а)", "пишет",
        "пише", "написав", "написала", "писав",
        "skrev", "skrivit",
        "ha scritto", "scrisse",
        "kirjoitti",
        "napsal", "napsala", "napsal(a)",
        "írta",
        "yazdı",
        "a scris",
        "έγραψε",
        "写道", "寫道",
    ].map(FoldedText.init)

    /// Verbs that sit in the middle, with the author or the date after them:
    /// "Am 3. Mai schrieb Max <max@example.org>:", "Op … schreef Jan <…> het volgende:".
    static let middleVerbs: [FoldedText] = [
        " schrieb ", " schreef ", " skrev ",
    ].map(FoldedText.init)

    /// The lines Outlook, Thunderbird, Gmail and Apple Mail put above a quoted or forwarded
    /// message, once dashes and a final colon are taken away.
    static let separatorPhrases: [FoldedText] = [
        "original message", "forwarded message", "begin forwarded message",
        "ursprüngliche nachricht", "original nachricht", "weitergeleitete nachricht",
        "anfang der weitergeleiteten nachricht",
        "mensaje original", "mensaje reenviado", "inicio del mensaje reenviado",
        "message d'origine", "message original", "message transféré", "début du message réexpédié",
        "début du message transféré",
        "oorspronkelijk bericht", "origineel bericht", "doorgestuurd bericht",
        "messaggio originale", "messaggio inoltrato",
        "mensagem original", "mensagem encaminhada",
        "originalmeddelande", "vidarebefordrat meddelande",
        "opprinnelig melding", "videresendt melding",
        "oprindelig meddelelse", "videresendt meddelelse",
        "wiadomość oryginalna", "oryginalna wiadomość", "przekazana wiadomość",
        "исходное сообщение", "пересылаемое сообщение", "переслане повідомлення",
        "původní zpráva", "přeposlaná zpráva",
        "alkuperäinen viesti", "välitetty viesti",
        "eredeti üzenet", "továbbított üzenet",
    ].map(FoldedText.init)

    /// Field names that open a header block of a quoted message ("From:", "Von:", "De :" …).
    static let senderKeys: Set<[UInt8]> = keySet([
        "from", "von", "de", "van", "från", "fra", "da", "od", "от", "від",
        "lähettäjä", "feladó", "kimden", "afzender", "remitente", "expéditeur", "absender",
    ])

    /// The other field names of such a block: date, recipients, subject, in many languages.
    static let otherKeys: Set<[UInt8]> = keySet([
        "sent", "date", "to", "subject", "cc", "bcc", "reply-to",
        "gesendet", "datum", "an", "betreff", "kopie",
        "envoyé", "à", "a", "objet", "répondre à",
        "enviado", "enviada", "fecha", "para", "asunto", "cc",
        "verzonden", "aan", "onderwerp", "verstuurd",
        "skickat", "till", "ämne", "kopia",
        "sendt", "til", "emne",
        "inviato", "data", "oggetto",
        "assunto", "enviada em",
        "wysłano", "do", "temat", "wysłane",
        "отправлено", "кому", "тема", "дата", "копия", "надіслано",
        "odesláno", "komu", "předmět",
        "lähetetty", "vastaanottaja", "aihe",
        "elküldve", "címzett", "tárgy",
        "gönderildi", "kime", "konu", "tarih",
    ])

    private static func keySet(_ keys: [String]) -> Set<[UInt8]> {
        Set(keys.map { FoldedText($0).bytes })
    }
}
