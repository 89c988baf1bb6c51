#!/usr/bin/env python3
"""Waits for mail in a test user's INBOX and prints each message's headers and text."""
import argparse
import email
import email.policy
import imaplib
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--imap-port", type=int, default=10143)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password-file", required=True)
    parser.add_argument("--expect", type=int, default=1, help="wait until at least this many messages are there")
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--headers-only", action="store_true", help="print only From, To and Subject")
    args = parser.parse_args()
    password = open(args.password_file).read().strip()
    deadline = time.monotonic() + args.timeout
    while True:
        with imaplib.IMAP4("127.0.0.1", args.imap_port) as imap:
            imap.login(args.user, password)
            imap.select("INBOX", readonly=True)
            _, data = imap.uid("SEARCH", None, "ALL")
            uids = data[0].split()
            if len(uids) >= args.expect or time.monotonic() > deadline:
                for uid in uids:
                    _, parts = imap.uid("FETCH", uid, "(BODY.PEEK[])")
                    message = email.message_from_bytes(parts[0][1], policy=email.policy.default)
                    if args.headers_only:
                        print(f"{args.user} UID {uid.decode()}: {message['Subject']}")
                        continue
                    print(f"---- {args.user} INBOX, UID {uid.decode()} ----")
                    for name in ("From", "To", "Subject", "Message-ID", "In-Reply-To", "References", "Auto-Submitted"):
                        if message[name]:
                            print(f"{name}: {message[name]}")
                    print()
                    print(message.get_body(("plain",)).get_content())
                if len(uids) < args.expect:
                    print(f"show-inbox: {args.user} has {len(uids)} messages after {args.timeout} s, expected {args.expect}", file=sys.stderr)
                    return 1
                return 0
        time.sleep(0.2)


if __name__ == "__main__":
    sys.exit(main())
