#!/usr/bin/env bash
# Publishes XMail.Fast as one self-contained folder holding the executables XMail, CtrlClnt, MkUsers, sendmail
# and XMCrypt plus MailRoot.template. Usage: deploy/publish.sh [output-dir] [runtime-id]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-artifacts/xmail}
rid=${2:-linux-x64}
mkdir -p "$out"
for p in src/XMail.Fast.Server src/Tools/CtrlClnt src/Tools/MkUsers src/Tools/Sendmail src/Tools/XMCrypt; do
  # ReadyToRun: precompiled code, so a restarted server is fast from its first message instead of after the JIT warms up.
  dotnet publish "$p" -c Release -r "$rid" --self-contained true -o "$out" -p:DebugType=none -p:PublishReadyToRun=true -v quiet --nologo
done
echo "published to $out"
