extension QuoteHeaderPatterns {
    /// Words an attribution line starts with ("On <date>, <name> wrote:"), case as written,
    /// because a capital is what tells "On 5 May, Ann wrote:" from "on this day I wrote".
    /// A space must follow each.
    static let openers: [[UInt8]] = [
        "On", "At",  // English; Eudora's "At 6/16/2016 08:32 PM, you wrote:"
        "Am",  // German
        "Le",  // French
        "El",  // Spanish
        "Em", "Às",  // Portuguese (Brazil, Portugal)
        "Op",  // Dutch
        "W dniu", "Dnia",  // Polish
        "Den", "På",  // Swedish, Danish, Norwegian
        "Il",  // Italian
        "Dne", "Dňa",  // Czech, Slovak
        "Pe",  // Romanian
        "В", "У",  // Russian, Ukrainian ("В понедельник", "У пн")
        "Στις",  // Greek
        "في", "على",  // Arabic (Gmail, Thunderbird)
        "בתאריך",  // Hebrew (Gmail)
    ].map { Array($0.utf8) }

    /// `openers` by their first byte: a line is compared with the few that can start it, not
    /// with all of them (every line of every message is asked).
    static let openersByLead: [[[UInt8]]] = (0...255).map { lead in openers.filter { $0.first == UInt8(lead) } }

    /// Openers of scripts without spaces between words: "在2014年10月6日，…写道：".
    static let attachedOpeners: [[UInt8]] = [
        "在",  // Chinese (Apple Mail, Thunderbird, NetEase)
    ].map { Array($0.utf8) }

    /// How an attribution ends, before its colon: "wrote" and its translations. Each must
    /// follow a space, a quote or a bracket, so "rewrote:" is not "wrote:".
    static let closingVerbs: [FoldedText] = folded([
        "wrote", "writes",
        "schrieb", "geschrieben", "schrieb folgendes",
        "a écrit", "a ecrit", "écrit",
        "escribió", "escribio", "ha escrito",
        "escreveu",
        "ha scritto", "scrisse",
        "het volgende geschreven", "het volgende", "schreef",
        "pisze", "napisał", "napisała", "napisał(a)", "napisal", "napisal(a)", "napisał/a",
        "napsal", "napsala", "napsal(a)", "napsal/a", "napísal", "napísal(a)",
        "skrev", "skrivit", "skrev följande", "skrev følgende",
        "kirjoitti",
        "написал", "написала", "написал(а)", "написал(-а)", "пишет",
        "пише", "написав", "писав", "написав(-ла)", "написав(ла)",
        "yazdı",
        "έγραψε",
        "írta",
        "a scris",
        "כתב", "כתבה", "כתב/ה", "כתב(ה)",
        "كتب", "كتبت",
    ])

    /// Endings written without a space before them (Chinese, Japanese, Korean), and which
    /// therefore may directly follow the author or the date: "<hong@example.kr>님이 작성:",
    /// "于2014年10月6日周一 10:00写道：", "2014/10/06 10:00、山田 <taro@example.jp>のメール:".
    static let attachedClosings: [FoldedText] = folded([
        "写道", "寫道", "来信", "來信",
        "のメール", "のメッセージ", "書きました", "さんは書きました",
        "작성", "쓴 글",
    ])

    /// Verbs that sit in the middle, with the author or the date after them:
    /// "Am 3. Mai schrieb Max <max@example.org>:", "Op … schreef Jan <…> het volgende:",
    /// Thunderbird's "Ann wrote on 06/10/2014 10:00:" and its translations, Apple Mail's Polish
    /// "Wiadomość napisana przez Ann <…> w dniu 06.10.2014, o godz. 10:00:".
    static let middleVerbs: [FoldedText] = folded([
        " schrieb ", " schreef ", " skrev ", " skreiv ", " kirjoitti ",
        " wrote on ", " a écrit le ", " escribió el ", " ha scritto il ",
        " escreveu em ", " escreveu no dia ", " escreveu às ",
        " napsal(a) dne ", " napísal(a) dňa ", " napisana przez ", " пишет ",
        " كتب ",
    ])
}
