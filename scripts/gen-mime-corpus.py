#!/usr/bin/env python3
"""Writes a deterministic mixed corpus of RFC 5322 messages for the MIME benchmark.

    scripts/gen-mime-corpus.py [--seed S] [--attachment-mb M] N DIR

N messages go to DIR/msg-00001.eml ... : plain text, HTML only, multipart/alternative,
attachments (base64 image- and PDF-like binary of 1 KB to 2 MB), quoted-printable, many
charsets, RFC 2047 encoded-word headers, nested message/rfc822, and some malformed ones.
With --attachment-mb, every message is instead one short text plus one attachment of
exactly M MB (decoded), for the peak-memory measurement.

Standard library only; the same seed always writes the same bytes.
"""

import argparse
import base64
import os
import quopri
import random
import sys

# Text a help desk sees, per charset, in a language that charset is used for.
SAMPLES = {
    "utf-8": "Grüße aus Köln! Привет, 你好, こんにちは, 안녕하세요 — the printer 🖨 is broken again.",
    "us-ascii": "Hello, my laptop does not boot since the last update. Could you please help?",
    "iso-8859-1": "Bonjour, ça ne marche plus depuis hier. Merci d'avance, François.",
    "iso-8859-2": "Dzień dobry, drukarka nie działa. Zażółć gęślą jaźń. Příliš žluťoučký kůň.",
    "iso-8859-15": "Facture de 150 € pour l'œuvre ; merci de vérifier la TVA.",
    "windows-1251": "Здравствуйте! У меня не работает принтер, помогите пожалуйста.",
    "windows-1252": "“Smart quotes” – a dash, 20 € and naïve café… done.",
    "koi8-r": "Добрый день. Не могу войти в почту, пароль не подходит.",
    "shift_jis": "お問い合わせありがとうございます。プリンターが動きません。",
    "euc-jp": "いつもお世話になっております。請求書を再送してください。",
    "iso-2022-jp": "パスワードを忘れました。リセットをお願いします。",
    "gb2312": "您好，我的打印机坏了。请尽快帮忙处理，谢谢。",
    "big5": "您好，我的印表機壞了。請盡快幫忙處理，謝謝。",
    "euc-kr": "안녕하세요, 프린터가 작동하지 않습니다. 도와주세요.",
}

ENGLISH = [
    "Thanks for getting back to me so quickly.",
    "I attached the log file and a screenshot of the error.",
    "The issue started after Tuesday's maintenance window.",
    "Could you escalate this to the network team?",
    "Our order number is 48213, placed on the 3rd.",
    "Please let me know if you need anything else from my side.",
    "Restarting the service did not help; the error comes back after ten minutes.",
]

FIRST = ["Ann", "Bob", "Chloé", "Dmitri", "Eve", "Jürgen", "Keiko", "Li", "María", "Søren", "Zoë"]
LAST = ["Example", "Müller", "Иванов", "山田", "O'Neil", "Smith", "Dupont", "Kowalski"]
DOMAINS = ["example.test", "mail.example.org", "corp.example.net", "münchen.example"]


def crlf(text):
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def encoded_word(text, charset, rng):
    """RFC 2047 encoded words (B or Q), whole characters per word, folded between words."""
    pieces = []
    current = b""
    for character in text:
        data = character.encode(charset, "replace")
        if len(current) + len(data) > 30:
            pieces.append(current)
            current = b""
        current += data
    if current:
        pieces.append(current)
    use_b = rng.random() < 0.5
    words = []
    for piece in pieces:
        if use_b:
            words.append("=?%s?B?%s?=" % (charset, base64.b64encode(piece).decode("ascii")))
        else:
            q = "".join(chr(b) if (48 <= b <= 57 or 65 <= b <= 90 or 97 <= b <= 122) else
                        "_" if b == 32 else "=%02X" % b for b in piece)
            words.append("=?%s?Q?%s?=" % (charset, q))
    return "\r\n ".join(words)


def person(rng, charset):
    name = "%s %s" % (rng.choice(FIRST), rng.choice(LAST))
    local = "user%d" % rng.randrange(100000)
    domain = rng.choice(DOMAINS)
    if all(ord(c) < 128 for c in name):
        if "'" in name or rng.random() < 0.3:
            return '"%s" <%s@%s>' % (name, local, domain)
        return "%s <%s@%s>" % (name, local, domain)
    return "%s <%s@%s>" % (encoded_word(name, "utf-8", rng), local, domain)


def body_text(rng, charset):
    sentences = [SAMPLES[charset]] + ENGLISH
    count = int(rng.expovariate(1 / 12)) + 1
    lines = []
    for _ in range(count):
        lines.append(" ".join(rng.choice(sentences) for _ in range(rng.randint(1, 4))))
        if rng.random() < 0.25:
            lines.append("")
    if rng.random() < 0.4:
        lines += ["", "On Mon, 3 Mar 2025 at 10:00, Support <support@example.test> wrote:",
                  "> " + rng.choice(ENGLISH), "> " + rng.choice(ENGLISH)]
    if rng.random() < 0.5:
        lines += ["", "-- ", "%s, IT department" % rng.choice(FIRST)]
    return "\n".join(lines) + "\n"


def html_of(text, rng):
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    escaped = [p.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>\n")
               for p in paragraphs]
    items = "".join("<li>%s</li>" % rng.choice(ENGLISH) for _ in range(rng.randint(0, 4)))
    return ("<html><head><style>p { margin: 0 }</style><title>Ticket</title></head><body>\n"
            + "\n".join("<p>%s</p>" % p for p in escaped)
            + ("<ul>%s</ul>" % items if items else "")
            + '\n<p>See <a href="https://example.test/kb/42">the article</a> &nbsp;&mdash; thanks.</p>'
            + "<script>track()</script></body></html>\n")


def text_part(subtype, text, charset, rng, encoding=None):
    """A text/* entity: header and transfer-encoded body, CRLF line ends."""
    data = crlf(text).encode(charset, "replace")
    if encoding is None:
        if charset == "iso-2022-jp" or charset == "us-ascii":
            encoding = "7bit"
        else:
            encoding = rng.choice(["quoted-printable", "base64", "8bit"])
    if encoding == "quoted-printable":
        payload = crlf(quopri.encodestring(data.replace(b"\r\n", b"\n")).decode("ascii")).encode("ascii")
    elif encoding == "base64":
        payload = crlf(base64.encodebytes(data).decode("ascii")).encode("ascii")
    else:
        payload = data
    header = "Content-Type: text/%s; charset=%s\r\nContent-Transfer-Encoding: %s\r\n\r\n" % (
        subtype, charset if rng.random() < 0.8 else '"%s"' % charset.upper(), encoding)
    return header.encode("ascii") + payload


def binary_blob(rng, size):
    kind = rng.choice(["png", "jpg", "pdf"])
    if kind == "png":
        head = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    elif kind == "jpg":
        head = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
    else:
        head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
    return kind, head + rng.randbytes(max(0, size - len(head)))


def attachment_part(rng, size=None):
    if size is None:
        # Log-uniform between 1 KB and 2 MB: most attachments are small, a few are large.
        size = int(2 ** rng.uniform(10, 21))
    kind, data = binary_blob(rng, size)
    mime = {"png": "image/png", "jpg": "image/jpeg", "pdf": "application/pdf"}[kind]
    name = rng.choice(["screenshot", "invoice", "log", "Rechnung_März", "スクリーン", "отчёт"]) + "." + kind
    if all(ord(c) < 128 for c in name):
        disposition = 'attachment; filename="%s"' % name
    elif rng.random() < 0.5:
        quoted = "".join(c if c.isalnum() and ord(c) < 128 else "".join("%%%02X" % b for b in c.encode("utf-8"))
                         for c in name)
        disposition = "attachment; filename*=UTF-8''%s" % quoted
    else:
        disposition = 'attachment; filename="%s"' % encoded_word(name, "utf-8", rng).replace("\r\n ", " ")
    header = "Content-Type: %s; name=\"%s\"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: %s\r\n\r\n" % (
        mime, name if all(ord(c) < 128 for c in name) else "file." + kind, disposition)
    return header.encode("utf-8") + crlf(base64.encodebytes(data).decode("ascii")).encode("ascii")


def multipart(subtype, parts, rng, close=True):
    boundary = "=_b%016x" % rng.getrandbits(64)
    out = [b"Content-Type: multipart/%s; boundary=\"%s\"\r\n\r\n" % (subtype.encode(), boundary.encode())]
    if rng.random() < 0.3:
        out.append(b"This is a multi-part message in MIME format.\r\n")
    for part in parts:
        out.append(b"--" + boundary.encode() + b"\r\n" + part + b"\r\n")
    if close:
        out.append(b"--" + boundary.encode() + b"--\r\n")
    return b"".join(out)


def top_header(rng, index, charset):
    subject_charset = charset if charset not in ("us-ascii",) and rng.random() < 0.7 else "utf-8"
    subject_text = "Ticket %d: %s" % (index, SAMPLES[subject_charset][:40])
    if subject_charset == "iso-2022-jp":
        subject_text = SAMPLES[subject_charset][:20]
    lines = [
        "Return-Path: <bounce-%d@example.test>" % index,
        "Received: from mx.example.test (mx.example.test [192.0.2.%d]) by mail.example.test with ESMTPS id %08x;"
        "\r\n\tMon, %d Mar 2025 %02d:%02d:%02d +0100" % (index % 250, rng.getrandbits(32), index % 28 + 1,
                                                        rng.randrange(24), rng.randrange(60), rng.randrange(60)),
        "From: " + person(rng, charset),
        "To: " + ", ".join(person(rng, charset) for _ in range(rng.randint(1, 4))),
        "Subject: " + encoded_word(subject_text, subject_charset, rng),
        "Date: %s, %d Mar 2025 %02d:%02d:%02d %s" % (rng.choice(["Mon", "Tue", "Wed"]), index % 28 + 1,
                                                    rng.randrange(24), rng.randrange(60), rng.randrange(60),
                                                    rng.choice(["+0000", "-0500", "+0900", "GMT", "EST"])),
        "Message-ID: <%d.%x@example.test>" % (index, rng.getrandbits(48)),
        "MIME-Version: 1.0",
    ]
    if rng.random() < 0.5:
        lines.append("Cc: " + person(rng, charset))
    if rng.random() < 0.4:
        lines.append("In-Reply-To: <%x@example.test>" % rng.getrandbits(40))
        lines.append("References: " + " ".join("<%x@example.test>" % rng.getrandbits(40) for _ in range(rng.randint(1, 6))))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def malformed(rng, message):
    """One of the ways real mail goes wrong."""
    kind = rng.randrange(6)
    if kind == 0 and b"--\r\n" in message:
        # The closing boundary is missing.
        return message[:message.rfind(b"--\r\n")] + b"\r\n"
    if kind == 1:
        return message[:rng.randrange(len(message) // 2, len(message))]
    if kind == 2:
        return message.replace(b"charset=", b"charset=x-unknown-", 1)
    if kind == 3:
        return message.replace(b"Content-Transfer-Encoding: base64", b"Content-Transfer-Encoding: x-uuencode", 1)
    if kind == 4:
        return message.replace(b"\r\nMIME-Version", b"\r\nthis line has no colon\r\nMIME-Version", 1)
    # Bad base64 padding and stray characters.
    return message.replace(b"=\r\n", b"\r\n").replace(b"Content-Transfer-Encoding: base64\r\n\r\n",
                                                       b"Content-Transfer-Encoding: base64\r\n\r\n!!", 1)


def make_message(rng, index, attachment_mb=None):
    charset = rng.choice(list(SAMPLES))
    header = top_header(rng, index, charset)
    text = body_text(rng, charset)
    if attachment_mb is not None:
        body = multipart("mixed", [text_part("plain", text, "utf-8", rng, "quoted-printable"),
                                   attachment_part(rng, attachment_mb * 1024 * 1024)], rng)
        return header + body
    kind = rng.choices(["plain", "html", "alternative", "attachments", "rfc822", "malformed"],
                       weights=[25, 15, 20, 25, 7, 8])[0]
    if kind == "plain":
        body = text_part("plain", text, charset, rng)
    elif kind == "html":
        body = text_part("html", html_of(text, rng), charset, rng)
    elif kind == "alternative":
        body = multipart("alternative", [text_part("plain", text, charset, rng),
                                         text_part("html", html_of(text, rng), charset, rng)], rng)
    elif kind == "attachments":
        first = text_part("plain", text, charset, rng)
        if rng.random() < 0.5:
            first = multipart("alternative", [first, text_part("html", html_of(text, rng), charset, rng)], rng)
        body = multipart("mixed", [first] + [attachment_part(rng) for _ in range(rng.randint(1, 3))], rng)
    else:
        inner_charset = rng.choice(list(SAMPLES))
        inner = top_header(rng, index + 100000, inner_charset) + text_part(
            "plain", body_text(rng, inner_charset), inner_charset, rng)
        forwarded = b"Content-Type: message/rfc822\r\nContent-Disposition: inline\r\n\r\n" + inner
        body = multipart("mixed", [text_part("plain", "Forwarding this one.\n", "us-ascii", rng), forwarded], rng)
    message = header + body
    if kind == "malformed":
        message = malformed(rng, message)
    return message


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int, help="how many messages")
    parser.add_argument("directory", help="where to write them (created if missing)")
    parser.add_argument("--seed", type=int, default=20250301, help="random seed (default 20250301)")
    parser.add_argument("--attachment-mb", type=int, help="one attachment of exactly this many MB per message")
    args = parser.parse_args()
    os.makedirs(args.directory, exist_ok=True)
    rng = random.Random(args.seed)
    total = 0
    for index in range(1, args.count + 1):
        data = make_message(rng, index, args.attachment_mb)
        with open(os.path.join(args.directory, "msg-%05d.eml" % index), "wb") as handle:
            handle.write(data)
        total += len(data)
    print("wrote %d messages, %.1f MB to %s" % (args.count, total / 1e6, args.directory), file=sys.stderr)


if __name__ == "__main__":
    main()
