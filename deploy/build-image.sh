#!/usr/bin/env bash
# Build the prizegen container image: deploy/build-image.sh TAG  ->  prizegen:TAG
#
# Compiles a static x86_64-unknown-linux-musl release binary on this machine, strips it, puts it
# in a fresh build context with deploy/Dockerfile, /etc/passwd and /etc/group, and runs
# `docker build`. Nothing is pulled: the image is FROM scratch.
#
# Needs: cargo, the musl target (`rustup target add x86_64-unknown-linux-musl`), musl-gcc
# (Debian `musl-tools`: the bundled SQLite is C), strip (binutils), and a Docker engine that
# `docker` reaches (DOCKER_HOST is honoured).
#
# Environment:
#   CARGO_TARGET_DIR   where cargo builds (default: target/ in the workspace)
#   IMAGE_NAME         the repository part of the tag (default: prizegen)
set -euo pipefail

target=x86_64-unknown-linux-musl
uid=65532

die() { echo "build-image.sh: $*" >&2; exit 1; }

[[ $# -eq 1 && -n $1 ]] || die "usage: deploy/build-image.sh TAG   (builds ${IMAGE_NAME:-prizegen}:TAG)"
image="${IMAGE_NAME:-prizegen}:$1"

# Resolve a relative CARGO_TARGET_DIR where it was given, before moving to the workspace.
if [[ -n ${CARGO_TARGET_DIR:-} && ${CARGO_TARGET_DIR} != /* ]]; then
    CARGO_TARGET_DIR="$PWD/$CARGO_TARGET_DIR"
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# Prerequisites, each with the way to get it.
command -v cargo >/dev/null || die "cargo is not installed (https://rustup.rs)"
command -v docker >/dev/null || die "docker is not installed (apt-get install docker.io)"
command -v musl-gcc >/dev/null || die "musl-gcc is not installed (apt-get install musl-tools)"
command -v strip >/dev/null || die "strip is not installed (apt-get install binutils)"
sysroot="$(rustc --print sysroot)"
[[ -d "$sysroot/lib/rustlib/$target" ]] \
    || die "the Rust target $target is not installed (rustup target add $target)"
docker version >/dev/null 2>&1 \
    || die "no Docker engine answers at ${DOCKER_HOST:-the default socket} (is dockerd running?)"

# The bundled SQLite (libsqlite3-sys) is compiled by the cc crate: point it at musl's wrapper
# around gcc, so its C code is built against musl's headers rather than glibc's.
export CC_x86_64_unknown_linux_musl="${CC_x86_64_unknown_linux_musl:-musl-gcc}"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
echo "build-image.sh: building the static binary (cargo, $target, into $target_dir)" >&2
cargo build --release --locked --target "$target" -p prizegen --target-dir "$target_dir"
binary="$target_dir/$target/release/prizegen"
[[ -x $binary ]] || die "cargo did not produce $binary"

context="$(mktemp -d "${TMPDIR:-/tmp}/prizegen-image.XXXXXX")"
trap 'rm -rf "$context"' EXIT

cp "$binary" "$context/prizegen"
strip "$context/prizegen"
# A dynamically linked binary would not start in an image without a libc: refuse it here.
if command -v readelf >/dev/null && readelf -l "$context/prizegen" | grep -q INTERP; then
    die "$binary is dynamically linked; expected a static musl binary"
fi

cp deploy/Dockerfile "$context/Dockerfile"
mkdir -p "$context/rootfs/etc" "$context/rootfs/tmp" "$context/data"
cat >"$context/rootfs/etc/passwd" <<PASSWD
root:x:0:0:root:/root:/sbin/nologin
prizegen:x:$uid:$uid:prizegen:/data:/sbin/nologin
PASSWD
cat >"$context/rootfs/etc/group" <<GROUP
root:x:0:
prizegen:x:$uid:
GROUP
chmod 0755 "$context/rootfs" "$context/rootfs/etc" "$context/data"
chmod 0644 "$context/rootfs/etc/passwd" "$context/rootfs/etc/group"
chmod 1777 "$context/rootfs/tmp"

version="$(sed -n 's/^version *= *"\(.*\)"/\1/p' Cargo.toml | head -n1)"
revision="$(git rev-parse HEAD 2>/dev/null || echo unknown)"
echo "build-image.sh: building $image" >&2
# --network none: nothing in the Dockerfile runs, let alone needs a network.
docker build --tag "$image" --network none \
    --build-arg "VERSION=${version:-unknown}" \
    --build-arg "REVISION=$revision" \
    --build-arg "CREATED=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    "$context"

size="$(docker image inspect --format '{{.Size}}' "$image")"
awk -v image="$image" -v size="$size" \
    'BEGIN { printf "%s: %d bytes (%.1f MB)\n", image, size, size / 1000000 }'
