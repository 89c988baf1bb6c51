#!/usr/bin/env python3
"""The Python side of `helpdesk-bench mime`: parse files with the standard `email` package.

    scripts/bench_python_email.py < list-of-paths

Reads every path (one a line on stdin) into memory first, then times only the parse loop:
`email.message_from_bytes(b, policy=email.policy.default)`, the content of
`get_body(('plain', 'html'))`, and every `iter_attachments()` part decoded, the same work the
Swift benchmark does. Prints one line:

    python: <n> messages, <MB> MB in <s> s = <MB/s> MB/s
"""

import email
import email.policy
import sys
import time


def touch(message):
    body = message.get_body(("plain", "html"))
    if body is not None:
        read(body)
    for attachment in message.iter_attachments():
        read(attachment)


def read(part):
    # get_content() raises on what Python cannot decode (unknown charset, a multipart left
    # unparsed); the bytes are still what a reader would take, so fall back to them.
    try:
        return part.get_content()
    except Exception:
        return part.get_payload(decode=True)


def main():
    paths = [line.rstrip("\n") for line in sys.stdin if line.strip()]
    blobs = []
    for path in paths:
        with open(path, "rb") as handle:
            blobs.append(handle.read())
    size = sum(len(blob) for blob in blobs)

    start = time.perf_counter()
    for blob in blobs:
        touch(email.message_from_bytes(blob, policy=email.policy.default))
    seconds = time.perf_counter() - start

    megabytes = size / 1e6
    print("python: %d messages, %.1f MB in %.3f s = %.1f MB/s" % (len(blobs), megabytes, seconds, megabytes / seconds))


if __name__ == "__main__":
    main()
