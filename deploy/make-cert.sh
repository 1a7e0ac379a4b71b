#!/usr/bin/env bash
# Makes a TLS certificate for a first run, without a certificate authority: a throwaway CA of
# your own and a server certificate it signs for the given host names or IP addresses.
#
#   deploy/make-cert.sh prizegen.example.com [MORE_NAMES_OR_IPS...] [-o DIR]
#
# Writes into DIR (default: deploy/secrets, ignored by git):
#   tls_cert    the server certificate (PEM), for nginx's ssl_certificate
#   tls_key     its private key (PEM, mode 600), for ssl_certificate_key
#   tls_ca.pem  the CA certificate: what a client trusts to accept tls_cert
#               (prizegen load/healthcheck --ca-cert tls_ca.pem; a browser imports it)
# The CA's private key is deleted once it has signed: nothing else can be signed with it.
#
# This is for trying prizegen out and for tests. A real deployment brings a certificate from a
# real CA (Let's Encrypt with certbot or another ACME client; cert-manager on Kubernetes) and
# puts it and its key in the same two files: DEPLOY.md, "TLS".
set -euo pipefail

out="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/secrets"
names=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        -o | --out) out="$2"; shift 2 ;;
        -h | --help) sed -n '2,16p' "$0"; exit 0 ;;
        -*) echo "make-cert.sh: unknown option $1" >&2; exit 2 ;;
        *) names+=("$1"); shift ;;
    esac
done
[[ ${#names[@]} -gt 0 ]] || { echo "usage: make-cert.sh HOST [HOST...] [-o DIR]" >&2; exit 2; }
command -v openssl >/dev/null || { echo "make-cert.sh: openssl is not installed" >&2; exit 1; }

# Subject alternative names: an IP address as IP, anything else as a DNS name.
san=""
for name in "${names[@]}"; do
    if [[ $name =~ ^[0-9]+(\.[0-9]+){3}$ || $name == *:* ]]; then
        san+="${san:+,}IP:$name"
    else
        san+="${san:+,}DNS:$name"
    fi
done

mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
umask 077

# The CA: ten years, signs certificates only.
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
    -subj "/CN=prizegen local CA for ${names[0]}" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$work/ca.key" -out "$out/tls_ca.pem" 2>/dev/null

# The server certificate: one year (browsers refuse longer ones), server authentication only.
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -subj "/CN=${names[0]}" -keyout "$out/tls_key" -out "$work/server.csr" 2>/dev/null
cat >"$work/server.ext" <<EXT
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = $san
EXT
openssl x509 -req -in "$work/server.csr" -CA "$out/tls_ca.pem" -CAkey "$work/ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -days 365 -sha256 -extfile "$work/server.ext" \
    -out "$out/tls_cert" 2>/dev/null

chmod 600 "$out/tls_key"
chmod 644 "$out/tls_cert" "$out/tls_ca.pem"
echo "made $out/tls_cert and $out/tls_key for $san (trust $out/tls_ca.pem); for a first run only"
