#!/bin/sh
# Entry point of the container image (also used by CI to start the publish output the same way).
#   docker-entrypoint.sh          first run (no server.tab in the MailRoot volume): XMail --init makes the MailRoot from
#                                 the template with the CTRL admin XMAIL_ADMIN (default admin), whose password comes from
#                                 the file XMAIL_ADMIN_PASSWORD_FILE (a Docker/Kubernetes secret) or XMAIL_ADMIN_PASSWORD,
#                                 and the domain XMAIL_DOMAIN if set; then exec XMail
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
  admin=${XMAIL_ADMIN:-admin}
  if [ -n "${XMAIL_ADMIN_PASSWORD_FILE:-}" ]; then
    "$here/XMail" --init -Ms "$root" --admin "$admin" ${XMAIL_DOMAIN:+--domain "$XMAIL_DOMAIN"} --password-file "$XMAIL_ADMIN_PASSWORD_FILE"
  elif [ -n "${XMAIL_ADMIN_PASSWORD:-}" ]; then
    printf '%s\n' "$XMAIL_ADMIN_PASSWORD" | "$here/XMail" --init -Ms "$root" --admin "$admin" ${XMAIL_DOMAIN:+--domain "$XMAIL_DOMAIN"}
  else
    echo "docker-entrypoint: $root holds no MailRoot yet: set XMAIL_ADMIN_PASSWORD_FILE (a secret file) or XMAIL_ADMIN_PASSWORD for the first run" >&2
    exit 2
  fi
fi
unset XMAIL_ADMIN_PASSWORD # the server does not need it in its environment
exec "$here/XMail" "$@"
