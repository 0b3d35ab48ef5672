#!/usr/bin/env python3
"""POP3 load test for XMail.Fast. Self-contained and bounded:

  1. builds a throwaway MailRoot (copy of MailRoot.template) with domain load.test,
     user "big" holding N 1 KB messages in Maildir/new and C users with one message each;
  2. starts the XMail server (Release build) on 127.0.0.1 with only POP3 enabled;
  3. single session (Python poplib): USER/PASS, STAT, LIST, UIDL, RETR every message, QUIT — timed;
  4. C concurrent sessions on distinct mailboxes (threads), each USER/PASS/STAT/UIDL/RETR 1/QUIT — timed,
     every error counted;
  5. stops the server it started (by pid) and removes the MailRoot.

usage: loadtest/pop3/pop3_load.py [--messages 5000] [--concurrent 1000] [--server path/to/XMail.dll]
Compare: XMail 1.27 needs 220 s for step 3 with 5,000 messages, Dovecot 2.3.19 1.6 s.
"""
import argparse, os, poplib, shutil, socket, subprocess, sys, tempfile, threading, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from xmf_load import REPO, DEFAULT_SERVER, free_port, wait_port, stop  # noqa: E402


def xmcrypt(pw):
    return "".join("%02x" % (b ^ 0x65) for b in pw.encode("latin-1"))


def message(i):
    head = "Return-Path: <load@example.org>\r\nSubject: load %d\r\nFrom: load@example.org\r\n\r\n" % i
    body = ("x" * 62 + "\r\n") * 16
    return (head + body)[:1022] + "\r\n"


def make_root(root, messages, users):
    shutil.copytree(os.path.join(REPO, "MailRoot.template"), root)
    with open(os.path.join(root, "domains.tab"), "a") as f:
        f.write('"load.test"\n')
    with open(os.path.join(root, "server.tab"), "a") as f:
        f.write('"POP3Domain"\t"load.test"\n')
    lines = []
    names = ["big"] + ["u%d" % i for i in range(users)]
    for uid, name in enumerate(names, start=1000):
        lines.append('"load.test"\t"%s"\t"%s"\t%d\t"%s"\t"U"\n' % (name, xmcrypt("pw"), uid, name))
        d = os.path.join(root, "domains", "load.test", name)
        for sub in ("tmp", "new", "cur"):
            os.makedirs(os.path.join(d, "Maildir", sub), exist_ok=True)
        open(os.path.join(d, "user.tab"), "w").close()
        count = messages if name == "big" else 1
        for i in range(count):
            with open(os.path.join(d, "Maildir", "new", "%013d.load.%d" % (1700000000000 + i, i)), "w", newline="") as f:
                f.write(message(i))
    with open(os.path.join(root, "mailusers.tab"), "a") as f:
        f.writelines(lines)


def single_session(port, expected):
    t0 = time.perf_counter()
    p = poplib.POP3("127.0.0.1", port)
    p.user("big")
    p.pass_("pw")
    n, size = p.stat()
    listing = p.list()[1]
    uidls = p.uidl()[1]
    total = 0
    for i in range(1, n + 1):
        _, lines, octets = p.retr(i)
        total += octets
    p.quit()
    elapsed = time.perf_counter() - t0
    assert n == expected and len(listing) == n and len(uidls) == n, (n, len(listing), len(uidls))
    return elapsed, n, total


def concurrent_sessions(port, users):
    errors = []
    barrier = threading.Barrier(users)
    lat = []
    lock = threading.Lock()

    def one(i):
        try:
            barrier.wait(timeout=60)
            t0 = time.perf_counter()
            p = poplib.POP3("127.0.0.1", port, timeout=60)
            p.user("u%d@load.test" % i)
            p.pass_("pw")
            n, _ = p.stat()
            p.uidl()
            _, lines, _ = p.retr(1)
            p.quit()
            if n != 1 or not lines:
                raise RuntimeError("unexpected mailbox state %d" % n)
            with lock:
                lat.append(time.perf_counter() - t0)
        except Exception as e:  # counted, reported
            with lock:
                errors.append("u%d: %r" % (i, e))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(users)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return time.perf_counter() - t0, errors, sorted(lat)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=5000)
    ap.add_argument("--concurrent", type=int, default=1000)
    ap.add_argument("--server", default=DEFAULT_SERVER)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    if not os.path.exists(a.server):
        subprocess.check_call(["dotnet", "build", "-c", "Release", "-v", "q", os.path.join(REPO, "src/XMail.Fast.Server")])
    root = tempfile.mkdtemp(prefix="xmf-pop3load-")
    mailroot = os.path.join(root, "MailRoot")
    make_root(mailroot, a.messages, a.concurrent)
    port = free_port()
    args = ["dotnet", a.server, "-Ms", mailroot, "-Pp", str(port), "-PI", "127.0.0.1", "-PX", str(a.concurrent + 100),
            "-B-", "-S-", "-X-", "-C-", "-W-", "-F-", "-Y-"]
    server = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not wait_port(port, time.time() + 30):
            print("server did not start", file=sys.stderr)
            return 1
        results = []
        for r in range(a.runs):
            elapsed, n, total = single_session(port, a.messages)
            results.append(elapsed)
            print("single session: %d messages, %d bytes, USER/PASS STAT LIST UIDL %d x RETR QUIT in %.3f s (%.3f ms/RETR)"
                  % (n, total, n, elapsed, elapsed * 1000 / max(1, n)))
        print("single session best %.3f s, first (cold) %.3f s" % (min(results), results[0]))
        elapsed, errors, lat = concurrent_sessions(port, a.concurrent)
        p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000 if lat else 0
        print("concurrent: %d sessions on distinct mailboxes in %.3f s, %d errors, latency p50 %.1f ms p99 %.1f ms max %.1f ms"
              % (a.concurrent, elapsed, len(errors), p(0.5), p(0.99), p(1.0)))
        for e in errors[:10]:
            print("  error:", e)
        return 0 if not errors and min(results) < 1.0 else 1
    finally:
        stop(server, 15)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
