#!/usr/bin/env python3
"""Plays an agent's mail client: replies to the newest help desk notification about a ticket,
to its (signed) Reply-To address, with the given body, and waits until the reply has arrived."""
import argparse
import email
import email.message
import email.policy
import email.utils
import imaplib
import smtplib
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--imap-port", type=int, default=10143)
    parser.add_argument("--smtp-port", type=int, default=10025)
    parser.add_argument("--password-file", required=True)
    parser.add_argument("--agent", required=True, help="the agent's address, e.g. bob@example.test")
    parser.add_argument("--ticket", required=True, help="the ticket key, e.g. SUPP-1")
    parser.add_argument("--body", required=True)
    parser.add_argument("--support", default="support@example.test", help="where the reply is counted as arrived")
    args = parser.parse_args()
    password = open(args.password_file).read().strip()

    notification = newest(args.imap_port, args.agent, password, f"[{args.ticket}]")
    if notification is None:
        print(f"agent-reply: no notification about {args.ticket} in {args.agent}'s INBOX", file=sys.stderr)
        return 1
    reply_to = email.utils.parseaddr(notification.get("Reply-To") or notification.get("From"))[1]
    reply = email.message.EmailMessage()
    reply["From"] = args.agent
    reply["To"] = reply_to
    reply["Subject"] = "Re: " + str(notification["Subject"])
    reply["Message-ID"] = email.utils.make_msgid(domain=args.agent.split("@")[1])
    reply["In-Reply-To"] = notification["Message-ID"]
    reply["References"] = notification["Message-ID"]
    reply.set_content(args.body + "\n")
    before = count(args.imap_port, args.support, password)
    with smtplib.SMTP("127.0.0.1", args.smtp_port, timeout=30) as smtp:
        smtp.send_message(reply, from_addr=args.agent, to_addrs=[reply_to])
    print(f"agent-reply: {args.agent} answered {args.ticket} to {reply_to}")
    deadline = time.monotonic() + 30
    while count(args.imap_port, args.support, password) <= before:
        if time.monotonic() > deadline:
            print("agent-reply: the reply did not arrive within 30 s; see .mailservers/smtpd.log", file=sys.stderr)
            return 1
        time.sleep(0.1)
    return 0


def newest(port: int, user: str, password: str, token: str):
    with imaplib.IMAP4("127.0.0.1", port) as imap:
        imap.login(user, password)
        imap.select("INBOX", readonly=True)
        _, data = imap.uid("SEARCH", None, "ALL")
        for uid in reversed(data[0].split()):
            _, parts = imap.uid("FETCH", uid, "(BODY.PEEK[])")
            message = email.message_from_bytes(parts[0][1], policy=email.policy.default)
            if token in str(message["Subject"]):
                return message
    return None


def count(port: int, user: str, password: str) -> int:
    with imaplib.IMAP4("127.0.0.1", port) as imap:
        imap.login(user, password)
        _, data = imap.status("INBOX", "(MESSAGES)")
        return int(data[0].split(b"MESSAGES")[1].strip(b" ()"))


if __name__ == "__main__":
    sys.exit(main())
