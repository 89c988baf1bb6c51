"""Sends requests one at a time to a running gateway and reads, from its database, when the MTA
accepted each acknowledgement. Prints median and p90 of arrival → acknowledgement; with
--idle-seconds, also the CPU the gateway used while nothing arrived. Used by bench-latency.sh; its
functions are shared with bench_mailboxes.py."""
import argparse, json, os, random, smtplib, sqlite3, statistics, sys, time
from datetime import datetime, timezone


def stored_time(text):
    # GRDB stores dates as UTC "YYYY-MM-DD HH:MM:SS.SSS".
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=timezone.utc).timestamp()


def acknowledged_at(db, subject):
    row = db.execute(
        "SELECT o.sent_at FROM outbox o JOIN ticket t ON t.id = o.ticket_id "
        "WHERE t.subject = ? AND o.event = 'ticket_created' AND o.status = 'sent'", (subject,)).fetchone()
    return stored_time(row[0]) if row and row[0] else None


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def polled_mailboxes(db):
    """How many mailboxes the gateway has polled at least once (each has a poll row)."""
    return db.execute("SELECT COUNT(*) FROM mailbox_poll").fetchone()[0]


def open_after_first_poll(path, timeout=60, name="bench-latency"):
    """The gateway's database, once it has polled (its database has a poll row)."""
    deadline = time.time() + timeout
    while True:
        try:
            db = sqlite3.connect(path, timeout=10)
            if polled_mailboxes(db) > 0:
                return db
        except sqlite3.Error:
            pass
        if time.time() > deadline:
            sys.exit(f"{name}: the gateway did not poll within {timeout} s")
        time.sleep(0.2)


def request_latency(db, smtp_port, subject, to="support@example.test", name="bench-latency"):
    """Sends one request from alice to `to`; seconds from the MTA accepting it to the MTA accepting
    its acknowledgement."""
    message = (f"From: Alice <alice@example.test>\r\nTo: {to}\r\nSubject: {subject}\r\n"
               f"Message-ID: <{subject.replace(' ', '.')}@bench.example.test>\r\n\r\nHello.\r\n")
    with smtplib.SMTP("127.0.0.1", smtp_port, timeout=10) as s:
        s.sendmail("alice@example.test", [to], message)
    arrived = time.time()
    while (acked := acknowledged_at(db, subject)) is None:
        if time.time() - arrived > 60:
            sys.exit(f"{name}: no acknowledgement for '{subject}' within 60 s")
        time.sleep(0.01)
    return acked - arrived


def measure(args):
    db = open_after_first_poll(args.database)
    time.sleep(1)
    latencies = []
    for n in range(args.count):
        subject = f"latency {args.mode} {n} {random.getrandbits(32):08x}"
        latencies.append(request_latency(db, args.smtp_port, subject))
        # Requests arrive at random moments relative to the 5 s poll cycle of the baseline.
        time.sleep(random.uniform(0.2, 5.2))
    result = {"mode": args.mode, "median": statistics.median(latencies), "p90": percentile(latencies, 90),
              "max": max(latencies)}
    if args.idle_seconds:
        before = cpu_seconds(args.pid)
        time.sleep(args.idle_seconds)
        result["idle_cpu_percent"] = 100 * (cpu_seconds(args.pid) - before) / args.idle_seconds
    extra = f", idle CPU {result['idle_cpu_percent']:.2f} % over {args.idle_seconds} s" if "idle_cpu_percent" in result else ""
    print(f"{args.mode}: median {result['median']:.3f} s, p90 {result['p90']:.3f} s, max {result['max']:.3f} s{extra}")
    with open(args.database + ".json", "w") as f:
        json.dump(result, f)


def compare(paths):
    base, new = (json.load(open(p)) for p in paths)
    print(f"idle vs polling: median {new['median']:.3f} s vs {base['median']:.3f} s "
          f"({base['median'] / new['median']:.1f}x faster), p90 {new['p90']:.3f} s vs {base['p90']:.3f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode")
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--smtp-port", type=int)
    parser.add_argument("--database")
    parser.add_argument("--pid", type=int)
    parser.add_argument("--idle-seconds", type=int, default=0)
    parser.add_argument("--compare", nargs=2)
    args = parser.parse_args()
    compare(args.compare) if args.compare else measure(args)
