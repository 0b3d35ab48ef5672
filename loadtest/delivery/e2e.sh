#!/usr/bin/env bash
# End-to-end delivery workload with a client that is not the bottleneck: S SMTP sessions send M messages of L bytes
# to one local user (XMail.Fast.LoadTest, or Debian's smtp-source with CLIENT=smtp-source); the clock stops when the
# last file is in Maildir/new (every file fsynced by the server). A first round of W messages warms the server up.
#   loadtest/delivery/e2e.sh [sessions] [messages] [size]     env: XMAIL_BIN=dir (a build to test), WARM=1000,
#                                                              PIPELINING=1, CLIENT=smtp-source
# Needs: dotnet; postfix for CLIENT=smtp-source. Binds 127.0.0.1 only; stops the server it started (by pid).
set -euo pipefail
S=${1:-20}; M=${2:-5000}; L=${3:-1024}; W=${WARM:-1000}
source "$(dirname "$0")/../lib/server.sh"
WORK=$(mktemp -d /tmp/xmf-e2e.XXXXXX)
PORT=${PORT:-26027}
cleanup() { xmf_server_stop; rm -rf "$WORK"; }
trap cleanup EXIT

dotnet build -c Release "$XMF_REPO/loadtest/XMail.Fast.LoadTest" -o "$WORK/load" >/dev/null
xmf_server_start "$WORK" "$PORT"

TO=xmailuser@xmailserver.test
NEW=$WORK/MailRoot/domains/xmailserver.test/xmailuser/Maildir/new
send() { # $1 = messages
  if [[ "${CLIENT:-}" == smtp-source ]]; then
    "$(command -v smtp-source || echo /usr/sbin/smtp-source)" -s "$S" -m "$1" -l "$L" -f a@example.org -t $TO 127.0.0.1:$PORT
  else
    dotnet "$WORK/load/XMail.Fast.LoadTest.dll" smtp --port $PORT --sessions "$S" --messages "$1" --size "$L" --to $TO \
      ${PIPELINING:+--pipelining} > /dev/null
  fi
}
wait_for() { # $1 = files expected in Maildir/new; polls with a 120 s deadline
  local deadline=$((SECONDS + 120))
  while (( $(find "$NEW" -type f 2>/dev/null | wc -l) < $1 )); do
    (( SECONDS < deadline )) || { echo "timed out: $(find "$NEW" -type f | wc -l) of $1 delivered" >&2; exit 1; }
    sleep 0.01
  done
}

send "$W"; wait_for "$W"
t0=$(date +%s.%N)
send "$M"
t1=$(date +%s.%N)
wait_for $((W + M))
t2=$(date +%s.%N)
awk -v m="$M" -v a="$(echo "$t1 - $t0" | bc)" -v e="$(echo "$t2 - $t0" | bc)" -v c="${CLIENT:-XMail.Fast.LoadTest}${PIPELINING:+ --pipelining}" \
  'BEGIN { printf "%s: %d messages accepted in %.2f s (%.0f msgs/s), all in Maildir/new after %.2f s = %.0f msgs/s end to end\n", c, m, a, m / a, e, m / e }'
