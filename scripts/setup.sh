#!/usr/bin/env bash
# Installs what moodtape needs to build, test and run (make setup). Idempotent, and quiet when
# nothing is missing: Debian packages from scripts/packages.txt (apt-get only when one is absent),
# then the npm tools pinned in package.json/package-lock.json (npm ci only when node_modules is
# missing or the lock changed). Works as root or through sudo, with no terminal (CI=true).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

missing=()
while read -r pkg check _; do
  [ -z "$pkg" ] && continue
  case "$check" in
    cmd=*) command -v "${check#cmd=}" >/dev/null 2>&1 || missing+=("$pkg") ;;
    *)
      status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
      [[ "$status" == ii* ]] || missing+=("$pkg")
      ;;
  esac
done < <(sed -e 's/#.*//' scripts/packages.txt)

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "setup: need root to install ${missing[*]} (run as root, or install sudo)" >&2
      exit 1
    fi
    # Without a terminal sudo must not wait for a password nobody can type.
    if [ -t 0 ]; then as_root=(sudo); else as_root=(sudo -n); fi
  fi
  apt=("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=300)
  "${apt[@]}" update -qq
  "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "setup: installed ${#missing[@]} package(s)"
fi

# buf, project-local (node_modules/.bin/buf), exactly as package-lock.json pins it.
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.moodtape-lock.sha256
if [ ! -x node_modules/.bin/buf ] || [ "$(cat "$stamp" 2>/dev/null)" != "$lock_sum" ]; then
  echo "setup: npm ci (buf)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > "$stamp"
fi
