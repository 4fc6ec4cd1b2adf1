#!/usr/bin/env bash
# Creates a development CA and one certificate per service (CN = service name) for mutual TLS.
#   scripts/dev_certs.sh OUT_DIR [NAME ...]      (default names: every service, the CLI, the launcher)
# Idempotent: existing files are kept, so restarting never invalidates running peers.
# EC P-256 keys; each leaf is valid as server and client (the same identity both ways), with SANs
# for its own name, localhost and 127.0.0.1 so both service names and loopback addresses verify.
set -euo pipefail
out=${1:?usage: dev_certs.sh OUT_DIR [NAME ...]}
shift
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  names=(gateway auth store emotion playlist producer designer worker cli)
fi
mkdir -p "$out"
chmod 700 "$out"
umask 077
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -s "$out/ca.key" ] || [ ! -s "$out/ca.crt" ]; then
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$out/ca.key" 2>/dev/null
  openssl req -x509 -new -key "$out/ca.key" -sha256 -days 825 -subj "/CN=moodtape dev CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$out/ca.crt" 2>/dev/null
  chmod 644 "$out/ca.crt"
fi

for name in "${names[@]}"; do
  case "$name" in
    *[!a-z0-9-]*|"") echo "dev_certs.sh: bad name '$name' (use a-z, 0-9, -)" >&2; exit 2 ;;
  esac
  if [ -s "$out/$name.crt" ] && [ -s "$out/$name.key" ]; then continue; fi
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$out/$name.key" 2>/dev/null
  openssl req -new -key "$out/$name.key" -subj "/CN=$name" -out "$tmp/$name.csr" 2>/dev/null
  cat > "$tmp/$name.ext" <<EXT
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=DNS:$name,DNS:localhost,IP:127.0.0.1
EXT
  openssl x509 -req -in "$tmp/$name.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -days 825 -sha256 -extfile "$tmp/$name.ext" \
    -out "$out/$name.crt" 2>/dev/null
  chmod 644 "$out/$name.crt"
done
