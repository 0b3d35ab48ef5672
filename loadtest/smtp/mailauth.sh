#!/usr/bin/env bash
# The cost of sender authentication on the accept path: XMail.Fast with SPF, DKIM, ARC, DMARC and
# Authentication-Results on ("auth") against the same build with them off ("off"), same run, alternating rounds,
# medians. A local dnsmasq answers for the sender domain (SPF pass, DMARC p=reject, the DKIM key), so after the
# warm-up every answer comes from the server's DNS cache. Two workloads:
#   smtp-source -s S -m M -l L -f a@example.org (one connection per message, unsigned body: SPF + DMARC by SPF)
#   XMail.Fast.LoadTest --message signed.eml (one connection per message, a dkimpy-signed 1 KB message:
#                                             DKIM verify + DMARC by DKIM + SPF)
#   loadtest/smtp/mailauth.sh [sessions] [messages] [size]
#   env: ROUNDS=3, GAP=5, XMAIL_BIN=dir (a build to test), BENCH_DIR=/tmp
# Needs: postfix (smtp-source), dnsmasq, python3-dkim (dkimsign), openssl. 127.0.0.1 only; stops what it started by pid.
set -euo pipefail
S=${1:-20}; M=${2:-5000}; L=${3:-1024}; WARM=1000
ROUNDS=${ROUNDS:-3}; GAP=${GAP:-5}
source "$(dirname "$0")/../lib/server.sh"
WORK=$(mktemp -d "${BENCH_DIR:-/tmp}/xmf-mailauth.XXXXXX")
chattr +T "$WORK" 2>/dev/null || true
PORT=${PORT:-26125}; DNSPORT=${DNSPORT:-26153}
DNS_PID=
cleanup() { xmf_server_stop; [[ -n "$DNS_PID" ]] && { kill "$DNS_PID" 2>/dev/null; wait "$DNS_PID" 2>/dev/null; } || true; rm -rf "$WORK"; }
trap cleanup EXIT
SOURCE=$(command -v smtp-source || echo /usr/sbin/smtp-source)
DNSMASQ=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)

dotnet build -c Release "$XMF_REPO/loadtest/XMail.Fast.LoadTest" -o "$WORK/load" >/dev/null
if [[ -z "${XMAIL_BIN:-}" ]]; then
  dotnet build -c Release "$XMF_REPO/src/XMail.Fast.Server" -o "$WORK/xmail" >/dev/null
  export XMAIL_BIN=$WORK/xmail
fi

# A DKIM key, its record, and a 1 KB message signed by dkimpy.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/dkim.key" 2>/dev/null
P=$(openssl pkey -in "$WORK/dkim.key" -pubout -outform DER 2>/dev/null | base64 -w0)
{ printf 'From: a@example.org\r\nTo: xmailuser@xmailserver.test\r\nSubject: load\r\nDate: Fri, 04 Dec 2026 10:00:00 +0000\r\nMessage-ID: <load@example.org>\r\n\r\n'
  for _ in $(seq 13); do printf '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789\r\n'; done; } > "$WORK/plain.eml"
dkimsign sel example.org "$WORK/dkim.key" < "$WORK/plain.eml" > "$WORK/signed.eml"

"$DNSMASQ" --port=$DNSPORT --no-daemon --no-resolv --no-hosts --conf-file=/dev/null --listen-address=127.0.0.1 --bind-interfaces \
  --pid-file= --local=/example.org/ --local=/test/ --user="$(id -un)" \
  --txt-record=example.org,"v=spf1 ip4:127.0.0.1 -all" --txt-record=_dmarc.example.org,"v=DMARC1; p=reject" \
  --txt-record=sel._domainkey.example.org,"v=DKIM1; k=rsa; p=${P:0:200}","${P:200}" 2>"$WORK/dnsmasq.log" &
DNS_PID=$!
sleep 0.5

start() { # $1 = off|auth, $2 = folder
  local dir=$2
  xmf_server_start "$dir" $PORT
  xmf_server_stop
  printf '"SmartDNSHost"\t"127.0.0.1:%s:udp"\n' $DNSPORT >> "$dir/MailRoot/server.tab"
  if [[ $1 == auth ]]; then
    printf '"%s"\t"%s"\n' SpfCheck 1 DkimVerify 1 ArcVerify 1 DmarcCheck 2 AuthResults 1 >> "$dir/MailRoot/server.tab"
  fi
  "$dir/bin/XMail" -Ms "$dir/MailRoot" -SI 127.0.0.1:$PORT -X- -P- -B- -C- -W- -F- -Y- > "$dir/xmail.log" 2>&1 &
  XMF_PID=$!
  for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.1; done
}
delivered() { local deadline=$((SECONDS + 60)); while (( $(find "$1" -type f 2>/dev/null | wc -l) < $2 && SECONDS < deadline )); do sleep 0.05; done; }

declare -A TIMES
for round in $(seq "$ROUNDS"); do
  echo "== round $round"
  for workload in source signed; do
    for mode in off auth; do
      dir=$(mktemp -d "$WORK/run.XXXXXX")
      start $mode "$dir"
      NEW=$dir/MailRoot/domains/xmailserver.test/xmailuser/Maildir/new
      if [[ $workload == source ]]; then
        "$SOURCE" -s "$S" -m $WARM -l "$L" -M client.example.org -f a@example.org -t xmailuser@xmailserver.test 127.0.0.1:$PORT
        delivered "$NEW" $WARM; sleep 1
        t0=$(date +%s.%N)
        "$SOURCE" -s "$S" -m "$M" -l "$L" -M client.example.org -f a@example.org -t xmailuser@xmailserver.test 127.0.0.1:$PORT
      else
        dotnet "$WORK/load/XMail.Fast.LoadTest.dll" smtp --port $PORT --sessions "$S" --messages $WARM --message "$WORK/signed.eml" >/dev/null
        delivered "$NEW" $WARM; sleep 1
        t0=$(date +%s.%N)
        dotnet "$WORK/load/XMail.Fast.LoadTest.dll" smtp --port $PORT --sessions "$S" --messages "$M" --message "$WORK/signed.eml" >/dev/null
      fi
      t=$(echo "$(date +%s.%N) - $t0" | bc)
      delivered "$NEW" $((WARM + M))
      got=$(find "$NEW" -type f | wc -l)
      sample=$(find "$NEW" -type f -print -quit)
      ar=$(grep -m1 -A4 '^Authentication-Results' "$sample" | tr -d '\r\t' | tr '\n' ' ' || true)
      printf "  %-7s %-4s %6.3f s  %6.0f msgs/s  (%d delivered) %s\n" "$workload" "$mode" "$t" "$(echo "$M / $t" | bc -l)" "$got" "${ar:0:160}"
      TIMES[$workload-$mode]="${TIMES[$workload-$mode]:-} $t"
      xmf_server_stop; XMF_PID=; rm -rf "$dir"
      sleep "$GAP"
    done
  done
done
median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "== medians over $ROUNDS rounds"
for workload in source signed; do
  off=$(median "${TIMES[$workload-off]}"); on=$(median "${TIMES[$workload-auth]}")
  printf "  %-7s off %6.3f s (%5.0f msgs/s)  auth %6.3f s (%5.0f msgs/s)  auth rate = %5.1f%% of off\n" \
    $workload "$off" "$(echo "$M / $off" | bc -l)" "$on" "$(echo "$M / $on" | bc -l)" "$(echo "100 * $off / $on" | bc -l)"
done
