# shellcheck shell=bash
# Shared by the scripts: where the repository, the venv and (on hosts without
# Python 3.14) the Debian "forky" root filesystem live, and how to run a
# command inside whichever environment scripts/setup provisioned.

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV_DIR="${REPO_DIR}/.venv"
# The newest Home Assistant, whose `hass` the end-to-end tests also run.
NEXT_VENV_DIR="${REPO_DIR}/.venv-ha-next"
ROOTFS_DIR="${CLICKSEND_SMS_ROOTFS:-/var/cache/clicksend_sms/forky}"
# The venv records which root filesystem it was made in ("host" for none).
ENV_MARKER="${VENV_DIR}/.clicksend_sms_environment"
MIN_PYTHON="3.14.2"

step() {
    printf '==> %s\n' "$*"
}

die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

# Prints the first Python on PATH that is at least MIN_PYTHON, if any.
find_host_python() {
    local candidate
    for candidate in python3.15 python3.14 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 14, 2) else 1)' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

# Runs "$@" with the venv's bin first on PATH, from the repository folder,
# either directly or inside the root filesystem. Mounts live in a private
# mount namespace, so they vanish when the command ends, however it ends.
run_in_env() {
    [ -f "$ENV_MARKER" ] || die "the environment is not set up: run scripts/setup first."
    local where
    where="$(cat "$ENV_MARKER")"
    if [ "$where" = "host" ]; then
        (cd "$REPO_DIR" && PATH="${VENV_DIR}/bin:${PATH}" VIRTUAL_ENV="$VENV_DIR" "$@")
        return $?
    fi
    # A clean environment: the host's settings (pip's find-links, its Python's
    # paths) mean nothing inside the root filesystem.
    # Home Assistant installs integrations' requirements at run time with uv,
    # which needs to be told of the certificate authorities too.
    run_in_rootfs "$where" env -i HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" CI="${CI:-}" \
        SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt UV_NATIVE_TLS=1 \
        PATH="${VENV_DIR}/bin:/usr/local/bin:/usr/bin:/bin" VIRTUAL_ENV="$VENV_DIR" "$@"
}

# Runs "$@" as root inside the root filesystem at $1, from the repository folder.
run_in_rootfs() {
    local root="$1"
    shift
    unshare --mount --propagation private -- /bin/bash -euo pipefail -c '
        root="$1"; repo="$2"; shift 2
        mount -t proc proc "$root/proc"
        mount --rbind /dev "$root/dev"
        mkdir -p "$root$repo"
        mount --bind "$repo" "$root$repo"
        cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
        exec chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 PATH=/usr/local/bin:/usr/bin:/bin /bin/bash -c "cd \"\$0\" && exec \"\$@\"" "$repo" "$@"
    ' run_in_rootfs "$root" "$REPO_DIR" "$@"
}
