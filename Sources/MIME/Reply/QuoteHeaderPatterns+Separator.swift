extension QuoteHeaderPatterns {
    /// Lines above a reply's quoted message, once dashes and a final colon are taken away:
    /// Outlook's "-----Original Message-----", Thunderbird's "-------- Original Message --------",
    /// QQ Mail's "------------------ 原始邮件 ------------------", Seznam's "Původní e-mail".
    static let replySeparators: [FoldedText] = folded([
        "original message", "original appointment",
        "ursprüngliche nachricht", "original-nachricht", "original nachricht", "ursprüngliche mitteilung",
        "message d'origine", "message original", "message d’origine",
        "mensaje original", "mensagem original",
        "messaggio originale",
        "oorspronkelijk bericht", "origineel bericht",
        "wiadomość oryginalna", "oryginalna wiadomość", "treść oryginalnej wiadomości",
        "původní zpráva", "původní e-mail", "pôvodná správa",
        "ursprungligt meddelande", "originalmeddelande",
        "oprindelig meddelelse", "oprindelig besked",
        "opprinnelig melding", "opphavleg melding",
        "alkuperäinen viesti",
        "исходное сообщение", "исходное письмо", "оригинальное сообщение",
        "початкове повідомлення", "оригінальне повідомлення", "вихідне повідомлення",
        "özgün ileti", "orijinal mesaj", "orijinal ileti",
        "αρχικό μήνυμα",
        "eredeti üzenet", "mesajul original",
        "原始邮件", "原始郵件", "原始消息", "原邮件", "原郵件", "元のメッセージ", "オリジナルメッセージ",
        "원본 메시지", "원본 메일", "원래 메시지",
        "הודעה מקורית",
        "الرسالة الأصلية", "الرسالة الأصليَّة",
    ])

    /// Phrases too common to be a separator unless dashes surround them: QQ Mail's
    /// "------------------ Original ------------------", but not a line "Original:".
    static let decoratedReplySeparators: [FoldedText] = folded(["original"])

    /// Lines above a forwarded message: Gmail's "---------- Forwarded message ---------", Apple
    /// Mail's "Begin forwarded message:", Thunderbird's and Yahoo's "-------- Forwarded Message --------".
    static let forwardSeparators: [FoldedText] = folded([
        "forwarded message", "begin forwarded message", "forwarded message follows", "forwarded e-mail",
        "weitergeleitete nachricht", "anfang der weitergeleiteten nachricht", "anfang der weitergeleiteten e-mail",
        "message transféré", "message transmis", "début du message réexpédié", "début du message transféré",
        "mensaje reenviado", "inicio del mensaje reenviado",
        "mensagem encaminhada", "mensagem reencaminhada", "início da mensagem encaminhada",
        "início da mensagem reencaminhada",
        "messaggio inoltrato", "inizio messaggio inoltrato",
        "doorgestuurd bericht", "begin doorgestuurd bericht",
        "przekazana wiadomość", "wiadomość przekazana dalej", "początek przekazywanej wiadomości",
        "treść przekazanej wiadomości",
        "přeposlaná zpráva", "začátek přeposílané zprávy", "preposlaná správa",
        "vidarebefordrat meddelande", "vidarebefordrat mejl",
        "videresendt meddelelse", "start på videresendt besked", "videresendt besked", "videresendt melding",
        "välitetty viesti", "välitetty viesti alkaa", "edelleenlähetetty viesti", "välitetty viesti / fwd.msg",
        "пересылаемое сообщение", "пересланное сообщение", "перенаправленное сообщение",
        "начало переадресованного сообщения", "конец пересылаемого сообщения",
        "переслане повідомлення", "перенаправлене повідомлення", "початок листа, що пересилається",
        "iletilen ileti", "iletilmiş mesaj", "ileti başlangıcı",
        "προωθημένο μήνυμα", "αρχή προωθημένου μηνύματος",
        "továbbított üzenet", "mesaj redirecționat",
        "转发邮件", "转发的邮件", "以下是转发的邮件", "轉寄郵件", "轉寄的郵件", "轉寄的訊息",
        "転送メッセージ", "転送されたメッセージ",
        "전달된 메시지", "전달된 메일", "전달 메시지",
        "הודעה שהועברה", "תחילת הודעה שהועברה",
        "رسالة معاد توجيهها", "الرسالة المعاد توجيهها", "بداية الرسالة المُعاد توجيهها",
    ])
}
