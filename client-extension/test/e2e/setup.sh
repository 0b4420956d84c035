#!/usr/bin/env bash
# Installs what the end-to-end test in real VS Code needs: code-server 4.100.3 (VS Code
# 1.100.3, from npm) and Debian's Chromium. Idempotent: a warm machine returns at once.
# Cache: $OWNIT_E2E_CACHE (default /tmp/ownit-vscode-e2e). Only package registries are used.
set -euo pipefail
CACHE=${OWNIT_E2E_CACHE:-/tmp/ownit-vscode-e2e}
VERSION=4.100.3
CS_DIR="$CACHE/code-server-$VERSION"
mkdir -p "$CACHE"

need=()
command -v chromium >/dev/null || need+=(chromium)
command -v rg >/dev/null || need+=(ripgrep)
if [ ! -x "$CS_DIR/node_modules/.bin/code-server" ]; then
  # code-server's native modules build with node-gyp against these headers.
  for pkg in build-essential pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
  done
fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "e2e setup: missing Debian packages: ${need[*]} (run: sudo apt-get install -y ${need[*]})" >&2
    exit 1
  fi
  echo "e2e setup: installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if [ -x "$CS_DIR/node_modules/.bin/code-server" ]; then
  exit 0
fi
echo "e2e setup: installing code-server $VERSION from npm into $CS_DIR (about a minute)"
rm -rf "$CS_DIR.partial"
mkdir -p "$CS_DIR.partial"
TMPDIR=${TMPDIR:-/tmp}
# @vscode/ripgrep downloads rg from outside the registries; seed its cache with Debian's rg.
RG_CACHE="$TMPDIR/vscode-ripgrep-cache-1.15.11"
mkdir -p "$RG_CACHE"
tar czf "$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" \
  -C "$(dirname "$(command -v rg)")" rg
(
  cd "$CS_DIR.partial"
  echo '{"name":"ownit-e2e-code-server","private":true}' > package.json
  npm_config_yes=true npm_config_unsafe_perm=true npm_config_fund=false npm_config_audit=false \
    timeout 900 npm install "code-server@$VERSION" --foreground-scripts >install.log 2>&1 \
    || { tail -40 install.log >&2; exit 1; }
)
rm -rf "$CS_DIR"
mv "$CS_DIR.partial" "$CS_DIR"
echo "e2e setup: code-server ready"
