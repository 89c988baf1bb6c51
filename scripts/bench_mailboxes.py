"""Measures one running `helpdesk run` that watches many mailboxes in IMAP IDLE: waits until every
mailbox has polled and holds its IDLE connection, then reads threads, connections and memory from
/proc, the CPU and wake-ups over an idle window, and arrival → acknowledgement for requests sent
one at a time to a spread-out sample of the mailboxes. Used by bench-mailboxes.sh; the request and
acknowledgement code is bench_latency.py's.

  bench_mailboxes.py measure --label L --addresses FILE --pid PID --database DB --imap-port N
                             --smtp-port N --started EPOCH [--sample K] [--idle-seconds S]
                             [--dovecot-pid PID] [--out JSON]
  bench_mailboxes.py report JSON ...      (the figures block, one column per run)
"""
import argparse, glob, json, os, random, statistics, sys, time

from bench_latency import cpu_seconds, open_after_first_poll, percentile, polled_mailboxes, request_latency

NAME = "bench-mailboxes"


def status_fields(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return fields


def kilobytes(fields, key):
    return int(fields.get(key, "0 kB").split()[0])


# What a thread waits in (x86_64 numbers; /proc/TID/syscall): the gateway's threads carry no names
# on Linux, but an IDLE connection waits in poll() and an outbox loop on a condition (futex).
SYSCALLS = {"7": "poll", "271": "poll", "202": "futex", "0": "read", "232": "epoll", "281": "epoll", "23": "select",
            "35": "sleep", "230": "sleep", "running": "running"}
GROUPS = ("poll", "futex", "other")


def tasks(pid):
    """Per thread: tid → (group, cpu seconds, context switches); the group is the system call the
    thread waits in now."""
    found = {}
    for task in glob.glob(f"/proc/{pid}/task/*"):
        try:
            with open(f"{task}/syscall") as f:
                syscall = f.read().split()[0]
            with open(f"{task}/schedstat") as f:
                cpu = int(f.read().split()[0]) / 1e9  # nanoseconds on a CPU, exact (stat's ticks are sampled)
            switches = 0
            with open(f"{task}/status") as f:
                for line in f:
                    if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                        switches += int(line.split()[1])
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue  # the thread ended meanwhile
        group = SYSCALLS.get(syscall, "other")
        found[task.rsplit("/", 1)[1]] = (group if group in GROUPS else "other", cpu, switches)
    return found


def by_group(after, before=None):
    """Threads, CPU seconds and context switches per group (since `before`, when given)."""
    total = {}
    for tid, (group, cpu, switches) in after.items():
        _, cpu_before, switches_before = (before or {}).get(tid, (None, 0.0, 0))
        count, c, s = total.get(group, (0, 0.0, 0))
        total[group] = (count + 1, c + cpu - cpu_before, s + switches - switches_before)
    return total


def tcp_connections(pid, imap_port, smtp_port):
    """The process's TCP sockets by peer: established to the IMAP port, to the SMTP port, others."""
    inodes = set()
    fds = 0
    for fd in glob.glob(f"/proc/{pid}/fd/*"):
        fds += 1
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    counts = {"imap": 0, "smtp": 0, "other_tcp": 0, "fds": fds}
    for table in (f"/proc/{pid}/net/tcp", f"/proc/{pid}/net/tcp6"):
        try:
            lines = open(table).read().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            parts = line.split()
            if parts[9] not in inodes:
                continue
            remote_port = int(parts[2].rsplit(":", 1)[1], 16)
            established = parts[3] == "01"
            if established and remote_port == imap_port:
                counts["imap"] += 1
            elif established and remote_port == smtp_port:
                counts["smtp"] += 1
            else:
                counts["other_tcp"] += 1
    return counts


def memory_map(pid):
    """Resident MB by kind of mapping: thread stacks (the 8 MB anonymous maps glibc gives each
    thread), malloc heaps (the main [heap] and the other anonymous maps: per-thread arenas, large
    blocks), and files (code and data of the binary and its libraries)."""
    kinds = {"stacks": 0, "heap": 0, "files": 0}
    kind = None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            first = line.split(maxsplit=5)
            if "-" in first[0] and len(first) >= 5 and ":" in first[3]:
                low, high = (int(x, 16) for x in first[0].split("-"))
                name = first[5].strip() if len(first) > 5 else ""
                kind = ("files" if name.startswith("/") else "stacks" if not name and high - low == 8 << 20
                        else "heap" if name in ("", "[heap]") else None)
            elif line.startswith("Rss:") and kind:
                kinds[kind] += int(line.split()[1]) / 1024
    return kinds


def snapshot(args):
    fields = status_fields(args.pid)
    threads = by_group(tasks(args.pid))
    return {
        "threads": int(fields["Threads"]),
        "thread_groups": {group: count for group, (count, _, _) in threads.items()},
        "rss_mb": kilobytes(fields, "VmRSS") / 1024, "hwm_mb": kilobytes(fields, "VmHWM") / 1024,
        "rss_anon_mb": kilobytes(fields, "RssAnon") / 1024, "rss_file_mb": kilobytes(fields, "RssFile") / 1024,
        "vsz_mb": kilobytes(fields, "VmSize") / 1024, "map_mb": memory_map(args.pid),
        **tcp_connections(args.pid, args.imap_port, args.smtp_port),
    }


def dovecot_imap(pid):
    """Dovecot's imap processes (one per connection) of the instance led by `pid`: count, and their
    memory in MB as PSS (shared pages counted once in all, not once per process)."""
    count, pss = 0, 0
    for stat_path in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(stat_path) as f:
                head, rest = f.read().rsplit(")", 1)
            if head.split("(", 1)[1] != "imap" or int(rest.split()[2]) != pid:
                continue
            with open(stat_path.replace("/stat", "/smaps_rollup")) as f:
                pss += next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
            count += 1
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError, StopIteration):
            continue
    return {"dovecot_imap_processes": count, "dovecot_imap_pss_mb": pss / 1024}


def wait_until_idle(args, total):
    """Until every mailbox has polled and the gateway holds one IMAP connection per mailbox, the
    same for 3 s in a row. The peak of threads and IMAP connections on the way, and the time."""
    timeout = 60 + total
    db = open_after_first_poll(args.database, timeout=timeout, name=NAME)
    peak_threads, peak_imap, steady_since = 0, 0, None
    while True:
        now = time.time()
        counts = tcp_connections(args.pid, args.imap_port, args.smtp_port)
        threads = int(status_fields(args.pid)["Threads"])
        peak_threads, peak_imap = max(peak_threads, threads), max(peak_imap, counts["imap"])
        if polled_mailboxes(db) >= total and counts["imap"] == total:
            steady_since = steady_since or now
            if now - steady_since >= 3:
                return db, {"ready_s": steady_since - args.started, "peak_threads_startup": peak_threads,
                            "peak_imap_startup": peak_imap}
        else:
            steady_since = None
        if now - args.started > timeout:
            sys.exit(f"{NAME}: after {timeout} s, {polled_mailboxes(db)} of {total} mailboxes polled and "
                     f"{counts['imap']} IMAP connections open (want one per mailbox); see the gateway's log")
        time.sleep(0.2)


def measure(args):
    addresses = [line.strip() for line in open(args.addresses) if line.strip()]
    total = len(addresses)
    db, result = wait_until_idle(args, total)
    result.update(label=args.label, mailboxes=total, idle_seconds=args.idle_seconds)
    result["idle"] = snapshot(args)
    if args.dovecot_pid:
        result.update(dovecot_imap(args.dovecot_pid))

    # Idle: nothing arrives; what does the gateway do meanwhile?
    before_cpu, before_tasks = cpu_seconds(args.pid), tasks(args.pid)
    time.sleep(args.idle_seconds)
    after_cpu, after_tasks = cpu_seconds(args.pid), tasks(args.pid)
    result["idle_cpu_percent"] = 100 * (after_cpu - before_cpu) / args.idle_seconds
    result["idle_groups"] = {
        group: {"threads": count, "cpu_percent": 100 * cpu / args.idle_seconds, "wakeups_per_s": switches / args.idle_seconds}
        for group, (count, cpu, switches) in by_group(after_tasks, before_tasks).items()}
    # Threads that came (and went) during the window: their CPU counts only in the total.
    result["idle_threads_started"] = len(set(after_tasks) - set(before_tasks))
    result["idle_threads_ended"] = len(set(before_tasks) - set(after_tasks))
    result["idle_wakeups_per_s"] = sum(g["wakeups_per_s"] for g in result["idle_groups"].values())

    # Requests, one at a time, to mailboxes spread over the whole set, in random order.
    # (More requests than mailboxes: each mailbox gets its share.)
    k = min(args.sample, total)
    spread = sorted({round(i * (total - 1) / (k - 1)) for i in range(k)} if k > 1 else {0})
    sample = [spread[i % len(spread)] for i in range(args.sample)] if args.sample > total else spread
    random.shuffle(sample)
    latencies = []
    for n, index in enumerate(sample):
        subject = f"mailboxes {args.label} {n} {random.getrandbits(32):08x}"
        latencies.append(request_latency(db, args.smtp_port, subject, to=addresses[index], name=NAME))
        time.sleep(random.uniform(0.5, 1.5))
    result.update(requests=len(latencies), median=statistics.median(latencies), p90=percentile(latencies, 90),
                  max=max(latencies))
    result["after"] = snapshot(args)
    print(f"{args.label}: {total} mailbox{'es' if total != 1 else ''} idle after {result['ready_s']:.1f} s; {result['idle']['threads']} threads, "
          f"{result['idle']['imap']} IMAP connections, RSS {result['idle']['rss_mb']:.1f} MB, "
          f"idle CPU {result['idle_cpu_percent']:.2f} %; median {result['median']:.3f} s, p90 {result['p90']:.3f} s "
          f"over {len(latencies)} requests", flush=True)
    with open(args.out, "w") as f:
        json.dump(result, f)


def report(paths):
    runs = [json.load(open(p)) for p in paths]
    width = 16
    def row(title, values):
        print(f"  {title:<40}" + "".join(f"{v:>{width}}" for v in values))
    def groups(run):
        g = run["idle"]["thread_groups"]
        return "/".join(str(g.get(k, 0)) for k in GROUPS)
    print("many mailboxes: helpdesk run (release, default settings: IMAP IDLE), one local Dovecot + OpenSMTPD")
    row("mailboxes", [r["mailboxes"] for r in runs])
    row("startup → every mailbox in IDLE", [f"{r['ready_s']:.1f} s" for r in runs])
    row("threads (idle)", [r["idle"]["threads"] for r in runs])
    row("  waiting in poll()/futex/other", [groups(r) for r in runs])
    row("threads (peak at startup)", [r["peak_threads_startup"] for r in runs])
    row("IMAP connections (idle)", [r["idle"]["imap"] for r in runs])
    row("other TCP connections (idle)", [r["idle"]["smtp"] + r["idle"]["other_tcp"] for r in runs])
    row("open file descriptors (idle)", [r["idle"]["fds"] for r in runs])
    row("RSS, VmRSS (idle)", [f"{r['idle']['rss_mb']:.1f} MB" for r in runs])
    row("  malloc heaps/thread stacks/files", ["/".join(f"{r['idle']['map_mb'][k]:.0f}" for k in ("heap", "stacks", "files")) + " MB"
                                               for r in runs])
    row("RSS, VmRSS (after the requests)", [f"{r['after']['rss_mb']:.1f} MB" for r in runs])
    row("RSS peak, VmHWM (end)", [f"{r['after']['hwm_mb']:.1f} MB" for r in runs])
    row("virtual size, VmSize (idle)", [f"{r['idle']['vsz_mb']:.0f} MB" for r in runs])
    row("CPU idle (% of one core)", [f"{r['idle_cpu_percent']:.2f} % / {r['idle_seconds']} s" for r in runs])
    for group in GROUPS:
        row(f"  threads in {group}", [f"{r['idle_groups'].get(group, {}).get('cpu_percent', 0):.2f} %" for r in runs])
    row("wake-ups/s idle (context switches)", [f"{r['idle_wakeups_per_s']:.0f}" for r in runs])
    for group in GROUPS:
        row(f"  threads in {group}", [f"{r['idle_groups'].get(group, {}).get('wakeups_per_s', 0):.0f}" for r in runs])
    row("requests (one at a time, spread out)", [r["requests"] for r in runs])
    row("arrival → acknowledgement median", [f"{r['median']:.3f} s" for r in runs])
    row("arrival → acknowledgement p90", [f"{r['p90']:.3f} s" for r in runs])
    row("arrival → acknowledgement max", [f"{r['max']:.3f} s" for r in runs])
    if all("dovecot_imap_processes" in r for r in runs):
        row("Dovecot imap processes (PSS sum)", [f"{r['dovecot_imap_processes']} ({r['dovecot_imap_pss_mb']:.0f} MB)" for r in runs])
    main = runs[0]
    checks = [("RSS ≤ 150 MB", main["after"]["hwm_mb"] <= 150, f"peak {main['after']['hwm_mb']:.1f} MB"),
              ("median < 1 s", main["median"] < 1, f"{main['median']:.3f} s"),
              ("CPU near 0 when idle (≤ 1 % of a core)", main["idle_cpu_percent"] <= 1, f"{main['idle_cpu_percent']:.2f} %")]
    print(f"targets at {main['mailboxes']} mailboxes: " + "; ".join(
        f"{name}: {'met' if ok else 'NOT MET'} ({value})" for name, ok, value in checks))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    m = sub.add_parser("measure")
    m.add_argument("--label", required=True)
    m.add_argument("--addresses", required=True, help="the mailboxes' addresses, one a line")
    m.add_argument("--pid", type=int, required=True)
    m.add_argument("--database", required=True)
    m.add_argument("--imap-port", type=int, required=True)
    m.add_argument("--smtp-port", type=int, required=True)
    m.add_argument("--started", type=float, required=True, help="when the gateway was started (epoch seconds)")
    m.add_argument("--sample", type=int, default=50)
    m.add_argument("--idle-seconds", type=int, default=30)
    m.add_argument("--dovecot-pid", type=int)
    m.add_argument("--out", required=True)
    r = sub.add_parser("report")
    r.add_argument("paths", nargs="+")
    args = parser.parse_args()
    measure(args) if args.command == "measure" else report(args.paths)
