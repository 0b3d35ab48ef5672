#!/usr/bin/env python3
"""Delivery load test for XMail.Fast. Self-contained, loopback only, bounded:

  1. builds a throwaway MailRoot (copy of MailRoot.template) with domain load.test, user "box",
     a mailing list "list" whose mlusers.tab names L local users m0..m{L-1};
  2. starts the XMail server (Release build) on 127.0.0.1 with SMTP only (-Qn workers);
  3. end to end: S concurrent SMTP sessions (raw sockets, PIPELINING) send N 1 KB messages in total to
     box@load.test; the clock stops when the last file is in box/Maildir/new (each file fsynced by the server);
  4. fan-out: one message to list@load.test; the clock stops when every member has it in Maildir/new;
  5. stops the server it started (by pid) and removes the MailRoot.

usage: loadtest/delivery/delivery_load.py [--messages 5000] [--sessions 20] [--members 1000] [--server XMail.dll]
Targets: >= 2,500 msgs/s end to end (XMail 1.27: 145 msgs/s); 1,000-member list fanned out in < 1 s.
"""
import argparse, os, shutil, socket, subprocess, sys, tempfile, threading, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from xmf_load import REPO, DEFAULT_SERVER, free_port, wait_port, stop  # noqa: E402


def body(i):
    head = "From: load@example.org\r\nTo: box@load.test\r\nSubject: load %d\r\nMessage-ID: <load.%d@example.org>\r\n\r\n" % (i, i)
    text = ("x" * 62 + "\r\n") * 16
    return ((head + text)[:1019] + "\r\n.\r\n").encode("latin-1")


def make_root(root, members):
    shutil.copytree(os.path.join(REPO, "MailRoot.template"), root)
    with open(os.path.join(root, "domains.tab"), "a") as f:
        f.write('"load.test"\n')
    names = [("box", "U"), ("list", "M")] + [("m%d" % i, "U") for i in range(members)]
    lines = []
    for uid, (name, kind) in enumerate(names, start=1000):
        lines.append('"load.test"\t"%s"\t"%s"\t%d\t"%s"\t"%s"\n' % (name, "1d", uid, name, kind))
        d = os.path.join(root, "domains", "load.test", name)
        for sub in ("tmp", "new", "cur"):
            os.makedirs(os.path.join(d, "Maildir", sub), exist_ok=True)
        open(os.path.join(d, "user.tab"), "w").close()
    with open(os.path.join(root, "mailusers.tab"), "a") as f:
        f.writelines(lines)
    with open(os.path.join(root, "domains", "load.test", "list", "mlusers.tab"), "w") as f:
        f.writelines('"m%d@load.test"\t"RW"\n' % i for i in range(members))


class Session:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=60)
        self.buf = b""
        self.reply()
        self.s.sendall(b"EHLO load.example.org\r\n")
        self.reply()

    def line(self):
        while b"\n" not in self.buf:
            chunk = self.s.recv(65536)
            if not chunk:
                raise RuntimeError("connection closed")
            self.buf += chunk
        l, self.buf = self.buf.split(b"\n", 1)
        return l

    def reply(self):
        while True:
            l = self.line()
            if l[3:4] != b"-":
                return l

    def send(self, rcpt, data):
        self.s.sendall(b"MAIL FROM:<load@example.org>\r\nRCPT TO:<" + rcpt.encode() + b">\r\nDATA\r\n")
        for _ in range(3):
            r = self.reply()
            if r[:1] not in (b"2", b"3"):
                raise RuntimeError(r.decode("latin-1"))
        self.s.sendall(data)
        r = self.reply()
        if r[:1] != b"2":
            raise RuntimeError(r.decode("latin-1"))

    def close(self):
        try:
            self.s.sendall(b"QUIT\r\n")
            self.reply()
        finally:
            self.s.close()


def count(d):
    try:
        return sum(1 for e in os.scandir(d) if not e.name.startswith("."))
    except FileNotFoundError:
        return 0


def end_to_end(port, root, messages, sessions, timeout):
    newdir = os.path.join(root, "domains", "load.test", "box", "Maildir", "new")
    base = count(newdir)
    errors = []
    per = [messages // sessions + (1 if i < messages % sessions else 0) for i in range(sessions)]
    barrier = threading.Barrier(sessions + 1)

    def run(k):
        try:
            s = Session(port)
            barrier.wait(30)
            start = sum(per[:k])
            for i in range(start, start + per[k]):
                s.send("box@load.test", body(i))
            s.close()
        except Exception as e:
            errors.append(repr(e))

    threads = [threading.Thread(target=run, args=(k,)) for k in range(sessions)]
    for t in threads:
        t.start()
    barrier.wait(30)
    t0 = time.perf_counter()
    for t in threads:
        t.join(timeout)
    accepted = time.perf_counter() - t0
    deadline = time.time() + timeout
    while count(newdir) - base < messages and time.time() < deadline and not errors:
        time.sleep(0.01)
    elapsed = time.perf_counter() - t0
    got = count(newdir) - base
    return accepted, elapsed, got, errors


def fan_out(port, root, members, timeout):
    dirs = [os.path.join(root, "domains", "load.test", "m%d" % i, "Maildir", "new") for i in range(members)]
    s = Session(port)
    t0 = time.perf_counter()
    s.send("list@load.test", body(999999))
    s.close()
    deadline = time.time() + timeout
    pending = list(dirs)
    while pending and time.time() < deadline:
        pending = [d for d in pending if count(d) == 0]
        if pending:
            time.sleep(0.005)
    return time.perf_counter() - t0, members - len(pending)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=5000)
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--members", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=16, help="-Qn")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--server", default=DEFAULT_SERVER)
    a = ap.parse_args()
    if not os.path.exists(a.server):
        subprocess.check_call(["dotnet", "build", "-c", "Release", "-v", "q", os.path.join(REPO, "src/XMail.Fast.Server")])
    tmp = tempfile.mkdtemp(prefix="xmf-delivload-")
    root = os.path.join(tmp, "MailRoot")
    make_root(root, a.members)
    port = free_port()
    args = ["dotnet", a.server, "-Ms", root, "-Sp", str(port), "-SI", "127.0.0.1", "-SX", str(a.sessions + 20),
            "-Qn", str(a.workers), "-B-", "-P-", "-X-", "-C-", "-W-", "-F-", "-Y-"]
    server = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ok = True
    try:
        if not wait_port(port, time.time() + 30):
            print("server did not start", file=sys.stderr)
            return 1
        # warm-up (JIT, first folder creations), not measured
        end_to_end(port, root, a.sessions * 5, a.sessions, a.timeout)
        accepted, elapsed, got, errors = end_to_end(port, root, a.messages, a.sessions, a.timeout)
        print("end to end: %d sessions x %d msgs (1 KB) -> Maildir/new: %d/%d delivered in %.3f s = %.0f msgs/s (all accepted after %.3f s), %d errors"
              % (a.sessions, a.messages // a.sessions, got, a.messages, elapsed, got / elapsed, accepted, len(errors)))
        for e in errors[:5]:
            print("  error:", e)
        ok = ok and got == a.messages and not errors
        secs, n = fan_out(port, root, a.members, a.timeout)
        print("fan-out: list of %d local members: %d delivered in %.3f s" % (a.members, n, secs))
        ok = ok and n == a.members
        return 0 if ok else 1
    finally:
        stop(server, 15)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
