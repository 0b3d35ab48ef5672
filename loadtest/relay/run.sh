#!/usr/bin/env bash
# Relay throughput, end to end: smtp-source (SESSIONS sessions x SIZE bytes) -> XMail.Fast SMTP -> spool -> SMAIL ->
# smtpfwd.tab -> Postfix smtp-sink. Reports accepted msgs/s, delivered (end-to-end) msgs/s and the server's RSS over
# the run. Bounded: stops by itself after N messages (or TIMEOUT seconds). Loopback only.
#   N=100000 SESSIONS=20 SIZE=1024 QN=16 loadtest/relay/run.sh
set -uo pipefail
N=${N:-100000}; SESSIONS=${SESSIONS:-20}; SIZE=${SIZE:-1024}; QN=${QN:-16}; TIMEOUT=${TIMEOUT:-900}
repo=$(cd "$(dirname "$0")/../.." && pwd)
for t in smtp-source smtp-sink; do
  command -v $t >/dev/null || [ -x /usr/sbin/$t ] || { echo "$t missing: apt-get install postfix"; exit 1; }
done
PATH=$PATH:/usr/sbin
work=$(mktemp -d /tmp/xmf-relay.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
sink_port=$(free_port); smtp_port=$(free_port)

if [[ -n "${XMAIL_BIN:-}" ]]; then
  exe=$XMAIL_BIN/XMail   # a build to compare (e.g. before/after a change)
else
  echo "building (Release)..."
  dotnet publish -c Release "$repo/src/XMail.Fast.Server" -o "$work/bin" >/dev/null || { echo "build failed"; exit 1; }
  exe=$(ls "$work"/bin/XMail 2>/dev/null || ls "$work"/bin/*.Server 2>/dev/null | head -1)
fi

root=$work/MailRoot
cp -r "$repo/MailRoot.template" "$root"
printf '"relay.test"\t"127.0.0.1:%s"\n' "$sink_port" > "$root/smtpfwd.tab"
printf '"127.0.0.1"\t"255.0.0.0"\n' > "$root/smtprelay.tab"

smtp-sink -u nobody -c "127.0.0.1:$sink_port" 1024 > "$work/sink.out" 2>&1 &
pids+=($!)
XMAIL_PID_DIR=$work "$exe" -Ms "$root" -SI "127.0.0.1:$smtp_port" -X- -P- -B- -F- -C- -W- -Y- -Qn "$QN" > "$work/server.log" 2>&1 &
srv=$!; pids+=($srv)
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$smtp_port) 2>/dev/null && break; sleep 0.1; done

rss() { awk '/VmRSS/{print $2}' /proc/$srv/status 2>/dev/null; }
delivered() { tr '\r' '\n' < "$work/sink.out" | grep -o 'mesg=[0-9]*' | tail -1 | cut -d= -f2; }

echo "server pid $srv, SMTP 127.0.0.1:$smtp_port, smtp-sink 127.0.0.1:$sink_port; $N messages, $SESSIONS sessions, $SIZE bytes"
rss0=$(rss); start=$(date +%s.%N)
smtp-source -s "$SESSIONS" -m "$N" -l "$SIZE" -f load@src.test -t user@relay.test "127.0.0.1:$smtp_port" &
src=$!; pids+=($src)
maxrss=$rss0; samples=""; accepted_at=""
while :; do
  sleep 1
  d=$(delivered); d=${d:-0}; r=$(rss); [ -n "$r" ] && [ "$r" -gt "$maxrss" ] && maxrss=$r
  now=$(date +%s.%N); el=$(echo "$now - $start" | bc)
  samples="$samples ${r}"
  if [ -z "$accepted_at" ] && ! kill -0 $src 2>/dev/null; then accepted_at=$el; fi
  printf '%6.1fs delivered %7d  rss %6d KB\n' "$el" "$d" "${r:-0}"
  [ "$d" -ge "$N" ] && break
  kill -0 $srv 2>/dev/null || { echo "server died"; tail -20 "$work/server.log"; exit 1; }
  [ "$(echo "$el > $TIMEOUT" | bc)" = 1 ] && { echo "timeout"; break; }
done
end=$(date +%s.%N); total=$(echo "$end - $start" | bc)
d=$(delivered)
echo "----"
echo "delivered $d/$N in ${total}s: $(echo "$d / $total" | bc) msgs/s end to end"
[ -n "$accepted_at" ] && echo "smtp-source finished (all accepted) at ${accepted_at}s: $(echo "$N / $accepted_at" | bc) msgs/s accepted"
echo "server RSS: start ${rss0} KB, max ${maxrss} KB, end $(rss) KB"
echo "spool left: $(find "$root/spool" -type f -path '*/mess/*' -o -type f -path '*/rsnd/*' | wc -l) files, frozen: $(find "$root/spool" -type f -path '*/froz/*' | wc -l)"
