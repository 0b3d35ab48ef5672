#!/bin/sh
# Entry point of the container image (also used by CI to start the publish output the same way).
#   docker-entrypoint.sh          first run: copy the template into the empty MailRoot volume, then exec XMail
#   docker-entrypoint.sh health   exit 0 when the server answers on its health endpoint (or CTRL port)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=${MAIL_ROOT:-/var/MailRoot}
if [ "${1:-}" = "health" ]; then
  addr=${XMAIL_METRICS:-}
  if [ -n "$addr" ]; then
    port=${addr##*:}
    exec "$here/XMail" --health "127.0.0.1:$port"
  fi
  exit 0
fi
if [ ! -f "$root/server.tab" ]; then
  mkdir -p "$root"
  cp -R "$here/MailRoot.template/." "$root/"
fi
exec "$here/XMail" "$@"
