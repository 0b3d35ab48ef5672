#!/usr/bin/env bash
# Container smoke test without Docker: builds the same self-contained publish output the image copies, then
# starts it through the image's entry point (empty MailRoot volume: refused without an admin password, then
# XMail --init with the password from a secret file), probes the health endpoint the HEALTHCHECK uses, adds an
# account over CTRL as the new admin, mails it over SMTP, reads it over POP3, and stops it with MailRoot/.shutdown.
# Everything binds 127.0.0.1 on free ports and stops by itself. Exit 0 = pass.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
pub=${SMOKE_PUBLISH_DIR:-$work/pub}
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
pid=""

[ -x "$pub/XMail" ] || deploy/publish.sh "$pub" linux-x64 >/dev/null
cp deploy/docker-entrypoint.sh "$pub/docker-entrypoint.sh"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
smtp=$(free_port); pop3=$(free_port); ctrl=$(free_port); metrics=$(free_port)
export MAIL_ROOT=$work/MailRoot XMAIL_PID_DIR=$work XMAIL_METRICS=127.0.0.1:$metrics
export MAIL_CMD_LINE="-SI 127.0.0.1:$smtp -PI 127.0.0.1:$pop3 -CI 127.0.0.1:$ctrl -X- -B- -W- -F- -Yi 0"
mkdir -p "$MAIL_ROOT"   # the empty volume

set +e; "$pub/docker-entrypoint.sh" > "$work/refused.log" 2>&1; rc=$?; set -e
[ "$rc" -eq 2 ] || { cat "$work/refused.log"; echo "smoke: first run without an admin password exited $rc, not 2"; exit 1; }
[ ! -f "$MAIL_ROOT/server.tab" ] || { echo "smoke: a MailRoot was made without an admin password"; exit 1; }

printf 'smoke secret\n' > "$work/admin-password"
export XMAIL_ADMIN_PASSWORD_FILE=$work/admin-password XMAIL_DOMAIN=smoke.test
"$pub/docker-entrypoint.sh" > "$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  "$pub/docker-entrypoint.sh" health 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/server.log"; echo "smoke: server exited early"; exit 1; }
  sleep 0.2
done
"$pub/docker-entrypoint.sh" health || { cat "$work/server.log"; echo "smoke: health check failed"; exit 1; }
[ -f "$MAIL_ROOT/server.tab" ] || { echo "smoke: template not copied into the volume"; exit 1; }
[ -f "$work/XMail.pid" ] || { echo "smoke: no XMail.pid"; exit 1; }

python3 - "$smtp" "$pop3" "$ctrl" <<'PY'
import smtplib, poplib, socket, sys, time
smtp, pop3, ctrl = map(int, sys.argv[1:])
c = socket.create_connection(("127.0.0.1", ctrl), timeout=10)
f = c.makefile("rwb")
assert f.readline().startswith(b"+00000 <")
for line in (b'"admin"\t"smoke secret"', b'"useradd"\t"smoke.test"\t"user"\t"userpw"\t"U"'):
    f.write(line + b"\r\n"); f.flush()
    reply = f.readline(); assert reply.startswith(b"+00000"), reply
c.close()
with smtplib.SMTP("127.0.0.1", smtp, timeout=10) as s:
    code, _ = s.ehlo("smoke.test"); assert code == 250
    s.sendmail("a@example.org", ["user@smoke.test"], "Subject: smoke\r\n\r\nhi\r\n")
for _ in range(100):
    p = poplib.POP3("127.0.0.1", pop3, timeout=10); p.user("user@smoke.test"); p.pass_("userpw")
    count = p.stat()[0]; p.quit()
    if count == 1: break
    time.sleep(0.1)
assert count == 1, "the message never reached the mailbox"
print("smoke: CTRL admin from the secret file, SMTP in, POP3 out")
PY

touch "$MAIL_ROOT/.shutdown"
for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
if kill -0 "$pid" 2>/dev/null; then echo "smoke: .shutdown did not stop the server"; exit 1; fi
wait "$pid" || { cat "$work/server.log"; echo "smoke: non-zero exit"; exit 1; }
echo "smoke: passed"
