#!/usr/bin/env bash
# Runs the issue-3 accept-throughput workload against XMail.Fast (every message fsynced before 250) and against
# Postfix's smtp-sink (accept and discard), with Debian's smtp-source and with our own generator. With smtp-source
# it also measures the floor under XMail.Fast on this machine with XMail.Fast.FloorSink, a bare Kestrel SMTP sink (no
# policy, no spool format, no delivery): discarding; one file per message made durable by XMail.Fast's own group
# commit (spool); one preallocated journal file with a shared fdatasync (journal, the cheapest durable design).
#   loadtest/smtp/compare.sh [sessions] [messages] [size]
# Needs: dotnet, postfix (apt-get install postfix) for smtp-source/smtp-sink. Binds 127.0.0.1 only.
set -euo pipefail
S=${1:-20}; M=${2:-5000}; L=${3:-1024}
source "$(dirname "$0")/../lib/server.sh"
WORK=$(mktemp -d /tmp/xmf-smtpload.XXXXXX)
PORT=${PORT:-26025}; SINKPORT=${SINKPORT:-26026}
stop_sink() { [[ -n "${SPID:-}" ]] && { kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null; } || true; SPID=; }
cleanup() { xmf_server_stop; stop_sink; rm -rf "$WORK"; }
trap cleanup EXIT

dotnet build -c Release "$XMF_REPO/loadtest/XMail.Fast.LoadTest" -o "$WORK/load" >/dev/null
dotnet build -c Release "$XMF_REPO/loadtest/XMail.Fast.FloorSink" -o "$WORK/floor" >/dev/null
xmf_server_start "$WORK" "$PORT"

SINK=$(command -v smtp-sink || echo /usr/sbin/smtp-sink); SOURCE=$(command -v smtp-source || echo /usr/sbin/smtp-source)
USERFLAG=""; [[ $(id -u) == 0 ]] && USERFLAG="-u nobody"
NEW=$WORK/MailRoot/domains/xmailserver.test/xmailuser/Maildir/new
delivered() { # waits (60 s deadline) until $1 messages are in Maildir/new, so no delivery overlaps the next run
  local deadline=$((SECONDS + 60))
  while (( $(find "$NEW" -type f 2>/dev/null | wc -l) < $1 && SECONDS < deadline )); do sleep 0.1; done
}
if [[ -x "$SOURCE" ]]; then
  WARM=1000 # every server gets the same warm-up (JIT) before its measured run
  "$SOURCE" -s "$S" -m $WARM -l "$L" -f a@example.org -t xmailuser@xmailserver.test 127.0.0.1:$PORT
  delivered $WARM
  echo "== smtp-source -s $S -m $M -l $L -> XMail.Fast (fsync before 250)"
  /usr/bin/time -f "%e s" "$SOURCE" -s "$S" -m "$M" -l "$L" -f a@example.org -t xmailuser@xmailserver.test 127.0.0.1:$PORT
  delivered $((WARM + M))
  "$SINK" $USERFLAG 127.0.0.1:$SINKPORT 256 & SPID=$!
  sleep 0.5
  "$SOURCE" -s "$S" -m $WARM -l "$L" -f a@example.org -t bob@example.org 127.0.0.1:$SINKPORT
  echo "== smtp-source -s $S -m $M -l $L -> smtp-sink (no disk)"
  /usr/bin/time -f "%e s" "$SOURCE" -s "$S" -m "$M" -l "$L" -f a@example.org -t bob@example.org 127.0.0.1:$SINKPORT
  stop_sink
  for mode in discard spool journal; do
    FLAGS=(); [[ $mode != discard ]] && FLAGS=(--$mode "$WORK/floor-$mode")
    "$WORK/floor/XMail.Fast.FloorSink" --port $SINKPORT "${FLAGS[@]}" >/dev/null & SPID=$!
    for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/$SINKPORT) 2>/dev/null && break; sleep 0.1; done
    "$SOURCE" -s "$S" -m $WARM -l "$L" -f a@example.org -t bob@example.org 127.0.0.1:$SINKPORT
    echo "== smtp-source -s $S -m $M -l $L -> XMail.Fast.FloorSink ($mode)"
    /usr/bin/time -f "%e s" "$SOURCE" -s "$S" -m "$M" -l "$L" -f a@example.org -t bob@example.org 127.0.0.1:$SINKPORT
    stop_sink
  done
else
  echo "smtp-source not found (apt-get install postfix); skipping the Postfix runs"
fi
echo "== XMail.Fast.LoadTest -> XMail.Fast"
dotnet "$WORK/load/XMail.Fast.LoadTest.dll" smtp --port $PORT --sessions "$S" --messages "$M" --size "$L"
echo "== XMail.Fast.LoadTest --pipelining -> XMail.Fast"
dotnet "$WORK/load/XMail.Fast.LoadTest.dll" smtp --port $PORT --sessions "$S" --messages "$M" --size "$L" --pipelining
