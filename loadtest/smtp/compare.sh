#!/usr/bin/env bash
# Runs the issue-3 accept-throughput workload against XMail.Fast (every message fsynced before 250) and against
# Postfix's smtp-sink (accept and discard), with Debian's smtp-source and with our own generator.
#   loadtest/smtp/compare.sh [sessions] [messages] [size]
# Needs: dotnet, postfix (apt-get install postfix) for smtp-source/smtp-sink. Binds 127.0.0.1 only.
set -euo pipefail
S=${1:-20}; M=${2:-5000}; L=${3:-1024}
HERE=$(cd "$(dirname "$0")/../.." && pwd)
FIXTURE=${FIXTURE:-$HERE/../shared/fixtures/xmail-1.27-MailRoot}
WORK=$(mktemp -d /tmp/xmf-smtpload.XXXXXX)
PORT=${PORT:-26025}; SINKPORT=${SINKPORT:-26026}
cleanup() { [[ -n "${XPID:-}" ]] && { kill "$XPID" 2>/dev/null; wait "$XPID" 2>/dev/null; } || true; [[ -n "${SPID:-}" ]] && kill "$SPID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

cp -r "$FIXTURE" "$WORK/MailRoot"; chmod -R u+w "$WORK/MailRoot"
if [[ -n "${XMAIL_BIN:-}" ]]; then ln -s "$XMAIL_BIN" "$WORK/bin"; else dotnet build -c Release "$HERE/src/XMail.Fast.Server" -o "$WORK/bin" >/dev/null; fi
dotnet build -c Release "$HERE/loadtest/XMail.Fast.LoadTest" -o "$WORK/load" >/dev/null
"$WORK/bin/XMail" -Ms "$WORK/MailRoot" -SI 127.0.0.1:$PORT -X- -P- -B- -C- -W- -F- -Y- > "$WORK/xmail.log" 2>&1 &
XPID=$!
for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.1; done

SINK=$(command -v smtp-sink || echo /usr/sbin/smtp-sink); SOURCE=$(command -v smtp-source || echo /usr/sbin/smtp-source)
USERFLAG=""; [[ $(id -u) == 0 ]] && USERFLAG="-u nobody"
if [[ -x "$SOURCE" ]]; then
  echo "== smtp-source -s $S -m $M -l $L -> XMail.Fast (fsync before 250)"
  /usr/bin/time -f "%e s" "$SOURCE" -s "$S" -m "$M" -l "$L" -f a@example.org -t xmailuser@xmailserver.test 127.0.0.1:$PORT
  "$SINK" $USERFLAG 127.0.0.1:$SINKPORT 256 & SPID=$!
  sleep 0.5
  echo "== smtp-source -s $S -m $M -l $L -> smtp-sink (no disk)"
  /usr/bin/time -f "%e s" "$SOURCE" -s "$S" -m "$M" -l "$L" -f a@example.org -t bob@example.org 127.0.0.1:$SINKPORT
else
  echo "smtp-source not found (apt-get install postfix); skipping the Postfix runs"
fi
echo "== XMail.Fast.LoadTest -> XMail.Fast"
dotnet "$WORK/load/XMail.Fast.LoadTest.dll" smtp --port $PORT --sessions "$S" --messages "$M" --size "$L"
echo "== XMail.Fast.LoadTest --pipelining -> XMail.Fast"
dotnet "$WORK/load/XMail.Fast.LoadTest.dll" smtp --port $PORT --sessions "$S" --messages "$M" --size "$L" --pipelining
