#!/usr/bin/env bash
# Runs the accept-throughput workload (Debian's smtp-source, one connection per message) against XMail.Fast
# (every message fsynced before 250), against Postfix's smtp-sink (accept and discard) and against the floors under
# XMail.Fast on this machine, measured with XMail.Fast.FloorSink (SMTP and nothing else: no policy, no spool format,
# no delivery):
#   discard       Kestrel, body discarded
#   spool         Kestrel, one file per message made durable by XMail.Fast's own group commit (the spool discipline)
#   journal       Kestrel, every body appended to one preallocated file with a shared fdatasync (cheapest durable)
#   raw-discard   plain .NET sockets instead of Kestrel, body discarded
#   raw-spool     plain .NET sockets, one durable file per message
# Each run gets a fresh server, the same warm-up (1,000 messages) and then the timed 5,000. The rounds alternate the
# servers, because this VM drifts by ±15% over minutes; compare figures of the same round. Each run has a folder of
# its own in its own ext4 block group (chattr +T on the parent makes ext4 spread its subfolders): on ext4 without a
# journal, inodes freed in the last minute are skipped one by one when a new file is created in their group, so a run
# next to the one before it (deleted a few seconds ago) was up to 50% slower. Then our own generator
# runs against XMail.Fast once with and once without pipelining.
#   loadtest/smtp/compare.sh [sessions] [messages] [size]
#   env: ROUNDS=3, GAP=8 (s between runs), TARGETS="sink discard spool journal raw-discard raw-spool xmf",
#        XMAIL_BIN=dir (a build to test), BENCH_DIR=/tmp (where the throwaway folders go)
# Needs: dotnet, postfix (apt-get install postfix) for smtp-source/smtp-sink. Binds 127.0.0.1 only and stops every
# server it started by pid.
set -euo pipefail
S=${1:-20}; M=${2:-5000}; L=${3:-1024}; WARM=1000
ROUNDS=${ROUNDS:-3}; GAP=${GAP:-8}; TARGETS=${TARGETS:-sink discard spool journal raw-discard raw-spool xmf}
source "$(dirname "$0")/../lib/server.sh"
WORK=$(mktemp -d "${BENCH_DIR:-/tmp}/xmf-smtpload.XXXXXX")
chattr +T "$WORK" 2>/dev/null || true # run folders go to other block groups (ext4's Orlov allocator)
PORT=${PORT:-26025}
SPID=
stop_target() { [[ -n "${SPID:-}" ]] && { kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null; } || true; SPID=; xmf_server_stop; XMF_PID=; }
cleanup() { stop_target; rm -rf "$WORK"; }
trap cleanup EXIT

SINK=$(command -v smtp-sink || echo /usr/sbin/smtp-sink); SOURCE=$(command -v smtp-source || echo /usr/sbin/smtp-source)
[[ -x "$SOURCE" ]] || { echo "smtp-source not found (apt-get install postfix)"; exit 1; }
USERFLAG=(); [[ $(id -u) == 0 ]] && USERFLAG=(-u nobody)
dotnet build -c Release "$XMF_REPO/loadtest/XMail.Fast.LoadTest" -o "$WORK/load" >/dev/null
dotnet build -c Release "$XMF_REPO/loadtest/XMail.Fast.FloorSink" -o "$WORK/floor" >/dev/null
if [[ -z "${XMAIL_BIN:-}" ]]; then
  dotnet build -c Release "$XMF_REPO/src/XMail.Fast.Server" -o "$WORK/xmail" >/dev/null
  export XMAIL_BIN=$WORK/xmail
fi

wait_port() { for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/$1) 2>/dev/null && return; sleep 0.1; done; }
# Waits (60 s deadline) until $2 messages are in Maildir/new $1, so no delivery of one run overlaps the next.
delivered() { local deadline=$((SECONDS + 60)); while (( $(find "$1" -type f 2>/dev/null | wc -l) < $2 && SECONDS < deadline )); do sleep 0.05; done; }

# Starts target $1 on $PORT in folder $2; sets TO and NEW (Maildir/new to wait for, XMail.Fast only).
start_target() {
  local target=$1 dir=$2; TO=bob@example.org; NEW=
  case $target in
    sink) "$SINK" "${USERFLAG[@]}" 127.0.0.1:$PORT 256 & SPID=$!; wait_port $PORT ;;
    discard) "$WORK/floor/XMail.Fast.FloorSink" --port $PORT >/dev/null & SPID=$!; wait_port $PORT ;;
    spool|journal) "$WORK/floor/XMail.Fast.FloorSink" --port $PORT --$target "$dir/floor" >/dev/null & SPID=$!; wait_port $PORT ;;
    raw-discard) "$WORK/floor/XMail.Fast.FloorSink" --port $PORT --raw 1 >/dev/null & SPID=$!; wait_port $PORT ;;
    raw-spool) "$WORK/floor/XMail.Fast.FloorSink" --port $PORT --spool "$dir/floor" --raw 1 >/dev/null & SPID=$!; wait_port $PORT ;;
    xmf) xmf_server_start "$dir" $PORT; TO=xmailuser@xmailserver.test; NEW=$dir/MailRoot/domains/xmailserver.test/xmailuser/Maildir/new ;;
    *) echo "unknown target $target"; exit 2 ;;
  esac
}

declare -A TIMES
for round in $(seq "$ROUNDS"); do
  echo "== round $round: smtp-source -s $S -m $M -l $L (after a $WARM-message warm-up)"
  for target in $TARGETS; do
    dir=$(mktemp -d "$WORK/run.XXXXXX")
    start_target "$target" "$dir"
    "$SOURCE" -s "$S" -m $WARM -l "$L" -f a@example.org -t "$TO" 127.0.0.1:$PORT
    [[ -n "$NEW" ]] && delivered "$NEW" $WARM
    sleep 1
    t0=$(date +%s.%N)
    "$SOURCE" -s "$S" -m "$M" -l "$L" -f a@example.org -t "$TO" 127.0.0.1:$PORT
    t=$(echo "$(date +%s.%N) - $t0" | bc)
    [[ -n "$NEW" ]] && delivered "$NEW" $((WARM + M))
    printf "  %-12s %6.3f s  %6.0f msgs/s\n" "$target" "$t" "$(echo "$M / $t" | bc -l)"
    TIMES[$target]="${TIMES[$target]:-} $t"
    stop_target; rm -rf "$dir"
    sleep "$GAP"
  done
done

median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "== medians over $ROUNDS rounds (rate relative to smtp-sink's)"
SINKT=$(median "${TIMES[sink]:-}")
for target in $TARGETS; do
  t=$(median "${TIMES[$target]}")
  if [[ -n "$SINKT" ]]; then printf "  %-12s %6.3f s  %5.1f%% of smtp-sink\n" "$target" "$t" "$(echo "100 * $SINKT / $t" | bc -l)"
  else printf "  %-12s %6.3f s\n" "$target" "$t"; fi
done

dir=$(mktemp -d "$WORK/run.XXXXXX")
xmf_server_start "$dir" $PORT
echo "== XMail.Fast.LoadTest -> XMail.Fast"
dotnet "$WORK/load/XMail.Fast.LoadTest.dll" smtp --port $PORT --sessions "$S" --messages "$M" --size "$L"
echo "== XMail.Fast.LoadTest --pipelining -> XMail.Fast"
dotnet "$WORK/load/XMail.Fast.LoadTest.dll" smtp --port $PORT --sessions "$S" --messages "$M" --size "$L" --pipelining
