extension QuoteHeaderPatterns {
    /// Field names for the sender of a quoted message: Outlook's "From:" in the languages it
    /// ships in ("Von:", "De :", "差出人:", "보낸 사람:", "מאת:", "من:"), and those of
    /// Apple Mail, Gmail's forwards, Thunderbird, Yahoo, QQ Mail, Naver and Seznam.
    static let senderKeys: Set<[UInt8]> = keySet([
        "from", "von", "absender", "de", "de la", "expéditeur", "remitente", "da", "mittente",
        "van", "afzender", "od", "nadawca", "odesílatel", "från", "fra", "avsender",
        "lähettäjä", "feladó", "kimden", "gönderen", "от", "отправитель", "від", "від кого",
        "από", "差出人", "送信者", "发件人", "寄件者", "寄件人", "보낸 사람", "보낸사람",
        "מאת", "من", "saatja", "šalje", "expeditorul",
    ])

    /// Field names for when the quoted message was sent; GMX and web.de open their block with
    /// one ("Gesendet: Montag, 06. Oktober 2014 um 10:00 Uhr" above "Von:").
    static let dateKeys: Set<[UInt8]> = keySet([
        "sent", "date", "gesendet", "datum", "envoyé", "envoyé le", "date d'envoi", "enviado", "enviado el",
        "enviada", "enviada em", "enviado em", "fecha", "data", "inviato", "verzonden", "verstuurd",
        "wysłano", "wysłane", "odesláno", "odoslané", "dátum", "skickat", "sendt", "dato", "lähetetty",
        "päivämäärä", "päiväys", "отправлено", "дата", "надіслано", "відправлено", "gönderildi",
        "gönderilen", "gönderim", "tarih", "στάλθηκε", "ημερομηνία", "送信日時", "日付", "送信日",
        "发送时间", "发送日期", "日期", "时间", "寄件日期", "傳送時間", "時間", "보낸 날짜", "보낸날짜",
        "날짜", "נשלח", "תאריך", "تم الإرسال", "التاريخ", "أرسلت", "elküldve", "trimis",
    ])

    /// Field names for the subject; Thunderbird opens its forwarded block with it
    /// ("Subject:", "Betreff:", "Sujet :", "Тема:" above "Date:" and "From:").
    static let subjectKeys: Set<[UInt8]> = keySet([
        "subject", "betreff", "objet", "sujet", "asunto", "assunto", "oggetto", "ogg", "onderwerp", "temat",
        "předmět", "predmet", "ämne", "emne", "aihe", "тема", "konu", "θέμα", "tárgy", "subiect", "subiectul",
        "件名", "主题", "主旨", "제목", "נושא", "الموضوع",
    ])

    /// Field names for recipients and the like, in the same languages.
    static let recipientKeys: Set<[UInt8]> = keySet([
        "to", "cc", "bcc", "reply-to",
        "an", "kopie", "blindkopie", "kopie (cc)", "antwort an",
        "à", "a", "pour", "cci", "copie à", "répondre à",
        "para", "cco", "copia", "responder a",
        "rispondi a",
        "aan", "antwoord aan",
        "do", "dw", "udw", "adresat", "odpowiedź-do",
        "komu", "pre", "kópia",
        "till", "kopia", "svara till",
        "til", "kopi", "svar til",
        "vastaanottaja", "kopio",
        "кому", "копия", "ответ-кому", "копія",
        "kime", "bilgi",
        "προς", "κοιν.", "κοιν",
        "címzett", "másolat", "către",
        "宛先", "收件人", "抄送", "收件者", "副本",
        "받는 사람", "받는사람", "참조",
        "אל", "עותק",
        "إلى", "نسخة",
    ])

    /// The fields other than the sender, which a header block needs at least two of.
    static let otherKeys: Set<[UInt8]> = dateKeys.union(subjectKeys).union(recipientKeys)

    /// The fields a header block may start with.
    static let openingKeys: Set<[UInt8]> = senderKeys.union(dateKeys).union(subjectKeys)
}
