#!/usr/bin/env python3
"""CTRL administration load test for XMail.Fast. Self-contained, loopback only, bounded.

For each table size N in --users (default 0,100000):
  1. builds a throwaway MailRoot (copy of MailRoot.template) with domain load.test, an admin account and N users
     already in mailusers.tab (written directly, as an existing 1.27 MailRoot would have them);
  2. starts the XMail server (Release build) with CTRL only on 127.0.0.1 and measures "ready": from the process
     start until a CTRL userauth of the last user answers +00000 (the index is built and serving);
  3. over ONE connection sends --adds useradd commands (each answered only once durable) and reports adds/s;
  4. stops the server, starts it again on the same MailRoot (now N + adds users) and measures ready again;
  5. stops the server (by pid); all MailRoots are removed at the very end.

Mass deletions make file creation slow for ~30 s on ext4 without a journal (freed inodes are skipped one by one,
"recently_deleted"), so no MailRoot is removed between measurements: a useradd creates six inodes.

usage: loadtest/ctrl/useradd_load.py [--users 0,100000] [--adds 2000] [--server XMail.dll]
Targets: >= 1,000 durable useradds/s, flat from 0 to 100,000 users; ready < 2 s on a 1,000,000-user MailRoot
(run with --users 1000000). XMail 1.27 here: 437 adds/s at 0-2,000 users, 128/s at 4,000-6,000.
"""
import argparse, os, shutil, signal, socket, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from xmf_load import REPO, DEFAULT_SERVER, free_port, wait_port, stop  # noqa: E402


def make_root(root, users):
    shutil.copytree(os.path.join(REPO, "MailRoot.template"), root)
    with open(os.path.join(root, "domains.tab"), "a") as f:
        f.write('"load.test"\n')
    os.makedirs(os.path.join(root, "domains", "load.test"), exist_ok=True)
    with open(os.path.join(root, "ctrlaccounts.tab"), "w") as f:
        f.write('"admin"\t"160006170011"\n')  # XMCrypt("secret")
    with open(os.path.join(root, "mailusers.tab"), "a") as f:
        for i in range(users):
            f.write('"load.test"\t"u%d"\t"1d0804"\t%d\t"u%d"\t"U"\n' % (i, 1000 + i, i))  # password "xma"


class Ctrl:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.f = self.s.makefile("rb")
        self.expect_ok()
        self.cmd("admin", "secret")

    def expect_ok(self):
        line = self.f.readline().decode("latin-1")
        if not line.startswith("+"):
            raise RuntimeError("CTRL error: " + line.strip())
        return line

    def cmd(self, *fields):
        self.s.sendall(("\t".join('"%s"' % x for x in fields) + "\r\n").encode("latin-1"))
        return self.expect_ok()

    def close(self):
        try:
            self.cmd("quit")
        except Exception:
            pass
        self.s.close()


def start(server, root, port):
    args = ["dotnet", server] if server.endswith(".dll") else [server]
    args += ["-Ms", root, "-CI", "127.0.0.1:%d" % port, "-S-", "-X-", "-P-", "-B-", "-W-", "-F-", "-Y-"]
    t0 = time.time()
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return p, t0


def wait_ready(p, t0, port, last_user):
    deadline = t0 + 120
    while time.time() < deadline:
        if p.poll() is not None:
            raise RuntimeError("server exited with %d" % p.returncode)
        try:
            c = Ctrl(port)
        except (OSError, RuntimeError):
            time.sleep(0.01)
            continue
        if last_user:
            c.cmd("userauth", "load.test", last_user[0], last_user[1])
        c.close()
        return time.time() - t0
    raise RuntimeError("server not ready in 120 s")


def run(server, users, adds, roots):
    root = tempfile.mkdtemp(prefix="xmf-ctrlload-")
    roots.append(root)
    if True:
        mr = os.path.join(root, "MailRoot")
        make_root(mr, users)
        port = free_port()
        p, t0 = start(server, mr, port)
        try:
            ready = wait_ready(p, t0, port, ("u%d" % (users - 1), "xma") if users else None)
            c = Ctrl(port)
            t = time.time()
            for i in range(adds):
                c.cmd("useradd", "load.test", "new%d" % i, "pw%d" % i, "U")
            el = time.time() - t
            c.close()
        finally:
            stop(p)
        p, t0 = start(server, mr, port)
        try:
            ready2 = wait_ready(p, t0, port, ("new%d" % (adds - 1), "pw%d" % (adds - 1)) if adds else None)
        finally:
            stop(p)
        print("users %8d: ready %.2f s; %d useradds over one connection in %.2f s = %.0f adds/s; restart with %d users: ready %.2f s"
              % (users, ready, adds, el, adds / el, users + adds, ready2), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", default="0,100000")
    ap.add_argument("--adds", type=int, default=2000)
    ap.add_argument("--server", default=DEFAULT_SERVER)
    a = ap.parse_args()
    if not os.path.exists(a.server):
        subprocess.check_call(["dotnet", "build", "-c", "Release", os.path.join(REPO, "src/XMail.Fast.Server")], stdout=subprocess.DEVNULL)
    roots = []
    try:
        for n in (int(x) for x in a.users.split(",")):
            run(a.server, n, a.adds, roots)
    finally:
        for r in roots:
            shutil.rmtree(r, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
