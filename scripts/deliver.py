#!/usr/bin/env python3
"""Delivers .eml files to the local test MTA over SMTP and waits until they reach the mailbox.

Used by scripts/run-local.sh to play the part of requesters' mail clients.
"""
import argparse
import email
import email.utils
import imaplib
import smtplib
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smtp-port", type=int, default=10025)
    parser.add_argument("--imap-port", type=int, default=10143)
    parser.add_argument("--to", default="support@example.test")
    parser.add_argument("--password-file", required=True, help="test mailbox password (for the arrival check)")
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()

    password = open(args.password_file).read().strip()
    have = count_messages(args.imap_port, args.to, password)
    with smtplib.SMTP("127.0.0.1", args.smtp_port, timeout=30) as smtp:
        for path in args.files:
            raw = open(path, "rb").read()
            sender = email.utils.parseaddr(email.message_from_bytes(raw).get("From", ""))[1] or "postmaster@example.test"
            smtp.sendmail(sender, [args.to], raw)
            print(f"deliver: {path} from {sender} to {args.to}")
            # One at a time: the MTA's queue may reorder, and the files' order is the story.
            have += 1
            if not wait_for(args.imap_port, args.to, password, have, args.timeout):
                print(f"deliver: {path} did not reach {args.to} within {args.timeout} s; see .mailservers/smtpd.log", file=sys.stderr)
                return 1
    return 0


def wait_for(port: int, user: str, password: str, count: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if count_messages(port, user, password) >= count:
            return True
        time.sleep(0.1)
    return False


def count_messages(port: int, user: str, password: str) -> int:
    with imaplib.IMAP4("127.0.0.1", port) as imap:
        imap.login(user, password)
        status, data = imap.status("INBOX", "(MESSAGES)")
        return int(data[0].split(b"MESSAGES")[1].strip(b" ()")) if status == "OK" else 0


if __name__ == "__main__":
    sys.exit(main())
