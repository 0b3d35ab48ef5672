"""Shared by the Python load scripts: the repository root, a free loopback port, waiting for a port, stopping a server."""
import os, signal, socket, subprocess, time

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DEFAULT_SERVER = os.path.join(REPO, "src/XMail.Fast.Server/bin/Release/net10.0/XMail.dll")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, deadline):
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def stop(p, timeout=30):
    """Stops a server this script started (by its pid): SIGTERM, then SIGKILL after the timeout."""
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
