# Shared by the load scripts (source it): a throwaway MailRoot and an XMail.Fast server on 127.0.0.1, SMTP only.
#   xmf_server_start WORK PORT   copies the fixture MailRoot to WORK/MailRoot, takes XMAIL_BIN (a build to test) or
#                                builds Release into WORK/bin, starts the server (pid in XMF_PID, log in WORK/xmail.log)
#                                and waits until PORT answers. The caller's EXIT trap stops it with xmf_server_stop.
XMF_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
FIXTURE=${FIXTURE:-$XMF_REPO/../shared/fixtures/xmail-1.27-MailRoot}
[[ -d $FIXTURE ]] || FIXTURE=$XMF_REPO/../../shared/fixtures/xmail-1.27-MailRoot # a worktree under /work/wt

xmf_server_start() {
  local work=$1 port=$2
  cp -r "$FIXTURE" "$work/MailRoot"; chmod -R u+w "$work/MailRoot"
  if [[ -n "${XMAIL_BIN:-}" ]]; then ln -s "$XMAIL_BIN" "$work/bin"; else dotnet build -c Release "$XMF_REPO/src/XMail.Fast.Server" -o "$work/bin" >/dev/null; fi
  "$work/bin/XMail" -Ms "$work/MailRoot" -SI 127.0.0.1:$port -X- -P- -B- -C- -W- -F- -Y- > "$work/xmail.log" 2>&1 &
  XMF_PID=$!
  for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
}

xmf_server_stop() {
  [[ -n "${XMF_PID:-}" ]] && { kill "$XMF_PID" 2>/dev/null; wait "$XMF_PID" 2>/dev/null; } || true
}
