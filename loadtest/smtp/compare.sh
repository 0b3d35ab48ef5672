#!/usr/bin/env bash
# Runs the issue-3 accept-throughput workload against XMail.Fast (every message fsynced before 250) and against
# Postfix's smtp-sink (accept and discard), with Debian's smtp-source and with our own generator.
#   loadtest/smtp/compare.sh [sessions] [messages] [size]
# Needs: dotnet, postfix (apt-get install postfix) for smtp-source/smtp-sink. Binds 127.0.0.1 only.
set -euo pipefail
S=${1:-20}; M=${2:-5000}; L=${3:-1024}
source "$(dirname "$0")/../lib/server.sh"
WORK=$(mktemp -d /tmp/xmf-smtpload.XXXXXX)
PORT=${PORT:-26025}; SINKPORT=${SINKPORT:-26026}
cleanup() { xmf_server_stop; [[ -n "${SPID:-}" ]] && kill "$SPID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

dotnet build -c Release "$XMF_REPO/loadtest/XMail.Fast.LoadTest" -o "$WORK/load" >/dev/null
xmf_server_start "$WORK" "$PORT"

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
