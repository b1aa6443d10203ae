#!/usr/bin/env bash
# Copies the front-end libraries installed by npm (package-lock.json) into
# contact_centre/static/vendor/, where they are committed: installing the Python
# package then needs no npm and the pages load nothing from a CDN.
#
#   npm ci && scripts/vendor-assets.sh
#
# With --check, copies nothing and fails if the committed files differ from node_modules.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/contact_centre/static/vendor"
modules="$root/node_modules"

# source in node_modules -> name in static/vendor
files=(
  "socket.io-client/dist/socket.io.min.js:socket.io.min.js"
  "axe-core/axe.min.js:axe.min.js"
  "@twilio/voice-sdk/dist/twilio.min.js:twilio.min.js"
)

check=0
if [[ "${1:-}" == "--check" ]]; then
  check=1
fi

if [[ ! -d "$modules" ]]; then
  echo "node_modules absent : lancez d'abord « npm ci » à la racine du dépôt." >&2
  exit 1
fi

version() {
  node -p "require('$modules/$1/package.json').version"
}

mkdir -p "$dest"
status=0
for entry in "${files[@]}"; do
  src="$modules/${entry%%:*}"
  out="$dest/${entry##*:}"
  if [[ ! -f "$src" ]]; then
    echo "introuvable : $src" >&2
    exit 1
  fi
  if (( check )); then
    if ! cmp -s "$src" "$out"; then
      echo "différent de node_modules : ${out#"$root"/}" >&2
      status=1
    fi
  else
    cp "$src" "$out"
    echo "copié : ${entry%%:*} -> ${out#"$root"/}"
  fi
done

manifest="$dest/VERSIONS.txt"
expected="$(cat <<TXT
# Généré par scripts/vendor-assets.sh à partir de package-lock.json : ne pas modifier à la main.
socket.io.min.js  socket.io-client $(version socket.io-client)  MIT
axe.min.js        axe-core $(version axe-core)  MPL-2.0
twilio.min.js     @twilio/voice-sdk $(version @twilio/voice-sdk)  Apache-2.0
TXT
)"
if (( check )); then
  if [[ "$(cat "$manifest" 2>/dev/null)" != "$expected" ]]; then
    echo "différent de node_modules : ${manifest#"$root"/}" >&2
    status=1
  fi
  exit $status
fi
printf '%s\n' "$expected" > "$manifest"
echo "écrit : ${manifest#"$root"/}"
