#!/usr/bin/env bash
# Installs what seek needs on a Debian 12 machine, as root and without prompting.
# Idempotent: when everything is present it only checks (a second or two) and changes nothing.
# Debian packages first (apt-get update runs only when something is missing), then the
# npm packages pinned in package-lock.json (tree-sitter grammars, tokenizer data).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
log() { printf 'setup: %s\n' "$*" >&2; }

# Build tools and libraries. CUDA is not installed here: the build uses it when
# /usr/local/cuda/bin/nvcc (or nvcc on PATH) exists, and is CPU-only otherwise.
debian_packages=(
  g++ cmake ninja-build pkg-config git ccache ca-certificates
  libboost1.81-dev nlohmann-json3-dev libgit2-dev libtree-sitter-dev libssl-dev
  libseccomp-dev bubblewrap python3-pytest libgtest-dev libgmock-dev
  libcli11-dev libtomlplusplus-dev libfmt-dev libspdlog-dev libxxhash-dev libzstd-dev libpcre2-dev
  libedit-dev python3 python3-numpy tmux neovim
)

missing=()
for p in "${debian_packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
# Node: keep whatever node/npm the machine has (for example NodeSource's 20); on a bare
# Debian 12 take Debian's Node 18 and npm.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    log "missing packages: ${missing[*]}; run this script as root to install them"
    exit 1
  fi
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages: reinstall only when package-lock.json changed since the last install.
if [ -f "$root/package-lock.json" ]; then
  stamp="$root/node_modules/.seek-lock-hash"
  want=$(sha256sum "$root/package-lock.json" | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    log "installing npm packages (npm ci)"
    # --ignore-scripts: the packages' install scripts only build Node addons we do not use.
    (cd "$root" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
    echo "$want" > "$stamp"
  fi
fi
