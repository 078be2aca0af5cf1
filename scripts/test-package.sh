#!/usr/bin/env bash
# The package as a user installs it: `npm pack`, then `npm install -g` of the tarball into a scratch
# prefix, then vlt and vlt-server run from a directory outside the repository: a server, a user, a
# token, an entry synced to it, the Oracle's answer, and vlt mcp's answer to initialize. Prints one
# line: `package: ok` or why not.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/vlt-package-XXXXXX)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "package: failed: $*"
  exit 1
}

# `npm pack` runs `prepare`, the build (about 7 s here). Where dist/ is already the build of these
# sources (scripts/build-fresh.mjs, as the test setup decides: after `npm ci` in CI), the tarball
# packs it as it is.
pack_flags=()
if node "$root/scripts/build-fresh.mjs"; then
  pack_flags=(--ignore-scripts)
fi
cd "$root" && tarball=$(npm pack --silent "${pack_flags[@]}" --pack-destination "$work" 2>"$work/pack.log" | tail -1) ||
  fail "npm pack (see $work/pack.log)"
# better-sqlite3's install (prebuild-install, else a compile of about 90 s here) is given the binary
# this checkout's `npm ci` built, as a local prebuild: the same install step a user whose machine can
# reach better-sqlite3's prebuilt binaries takes. VLT_TEST_PACKAGE_COMPILE=1 compiles it instead.
if [ -z "${VLT_TEST_PACKAGE_COMPILE:-}" ] && "$root/scripts/sqlite-prebuild.sh" pack "$work/prebuilds" 2>/dev/null; then
  export npm_config_better_sqlite3_local_prebuilds="$work/prebuilds"
fi
npm install -g --prefix "$work/prefix" --prefer-offline --no-audit --no-fund "$work/$tarball" \
  >"$work/install.log" 2>&1 || fail "npm install -g (see $work/install.log)"

mkdir -p "$work/outside/project"
cd "$work/outside" || exit 1
export PATH="$work/prefix/bin:$PATH" VLT_HOME="$work/outside/home"
unset VLT_SERVER_URL VLT_SYNC_TOKEN VLT_SERVER_DATA VLT_SERVER_DATABASE_URL
version=$(node -p "require('$root/package.json').version")
[ "$(vlt --version)" = "$version" ] || fail "vlt --version"
[ "$(vlt-server --version)" = "$version" ] || fail "vlt-server --version"

vlt-server start --port 0 --data "$work/outside/data" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/server.log" | head -1)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "${url:-}" ] || fail "vlt-server start: $(cat "$work/server.log")"
printf 'correct horse battery\n' | vlt-server user add ops --password-stdin --data "$work/outside/data" >/dev/null ||
  fail "vlt-server user add"
token=$(vlt-server token issue ops --data "$work/outside/data" 2>/dev/null) || fail "vlt-server token issue"
cd project || exit 1
vlt init --project demo >/dev/null || fail "vlt init"
pushed=$(VLT_SERVER_URL=$url VLT_SYNC_TOKEN=$token vlt thread new first "installed from the tarball") ||
  fail "vlt thread new"
[ "$pushed" = "$(printf 'CREATED: demo/first\nsynced')" ] || fail "vlt thread new printed: $pushed"
answer=$(VLT_SERVER_URL=$url VLT_SYNC_TOKEN=$token vlt oracle "what was installed?" --json) || fail "vlt oracle"
echo "$answer" | grep -q '"mode": "extractive"' || fail "vlt oracle answered: $answer"
curl -sf "$url/" | grep -q '<title>vlt</title>' || fail "the web UI at $url/"
# vlt mcp's SDK is inside the bundle: it answers initialize with no node_modules of the checkout.
init='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"package","version":"1"}}}'
mcp=$( (printf '%s\n' "$init"; sleep 1) | vlt mcp --project demo) || fail "vlt mcp"
echo "$mcp" | grep -q '"serverInfo":{"name":"vlt"' || fail "vlt mcp answered: $mcp"
echo "package: ok ($tarball installed into a scratch prefix; vlt and vlt-server ran outside the repository)"
