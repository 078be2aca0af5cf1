#!/usr/bin/env bash
# better-sqlite3's compiled addon as a prebuild: a tarball named as prebuild-install (the first
# step of better-sqlite3's install) looks for it in a `local-prebuilds` folder before it tries to
# download one (`better-sqlite3-v<version>-node-v<abi>-<platform>-<arch>.tar.gz`).
#   scripts/sqlite-prebuild.sh name       prints that name, for this checkout and this node
#   scripts/sqlite-prebuild.sh pack DIR   packs this checkout's compiled addon into DIR
# The package test hands one to the packed package's install; .ci/run keeps one between its runs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
name=$(node -p "'better-sqlite3-v' + require('$root/node_modules/better-sqlite3/package.json').version +
  '-node-v' + process.versions.modules + '-' + process.platform + '-' + process.arch + '.tar.gz'")
case ${1:-} in
  name) echo "$name" ;;
  pack)
    binary="$root/node_modules/better-sqlite3/build/Release/better_sqlite3.node"
    [ -f "$binary" ] || { echo "no compiled better-sqlite3 in this checkout ($binary)" >&2; exit 1; }
    stage=$(mktemp -d)
    trap 'rm -rf "$stage"' EXIT
    mkdir -p "$stage/build/Release" "$2" && cp "$binary" "$stage/build/Release/"
    # Written beside, then renamed: a reader never finds half a tarball.
    tar -czf "$2/.$name.$$" -C "$stage" build/Release/better_sqlite3.node && mv "$2/.$name.$$" "$2/$name"
    ;;
  *)
    echo "usage: scripts/sqlite-prebuild.sh name | pack DIR" >&2
    exit 2
    ;;
esac
