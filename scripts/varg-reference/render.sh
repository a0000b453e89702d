#!/usr/bin/env bash
# Renders a varg scene (.tsx) with the varg SDK itself (github:vargHQ/sdk, npm "vargai"): the
# reference renderer the varg compiler (src/dialects/varg/compose/) is matched against.
#
#   VARG_SDK_DIR=/tmp/varg-sdk scripts/varg-reference/render.sh scene.tsx out.mp4
#
# VARG_SDK_DIR is a checkout of the SDK, e.g.
#   git clone https://github.com/vargHQ/sdk /tmp/varg-sdk            (with GitHub access), or
#   git -C <a bare mirror of it> worktree add /tmp/varg-sdk HEAD
# Without it this exits with status 3 and a message (CI has no GitHub access: callers skip).
# The SDK runs on Bun, taken from the `bun` npm package (npx -y bun@1). Its dependencies are
# installed once; its bun.lock is dropped first (two versions it pins are missing from the npm
# registry this project uses). Media must be local files: offline there is no AI generation,
# so only src media, titles, captions from SRT and layouts render.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: VARG_SDK_DIR=<sdk checkout> $0 <scene.tsx> <out.mp4>" >&2
  exit 2
fi
if [ -z "${VARG_SDK_DIR:-}" ] || [ ! -f "${VARG_SDK_DIR}/package.json" ]; then
  echo "VARG_SDK_DIR is not set to a checkout of github:vargHQ/sdk; skipping the reference render" >&2
  exit 3
fi

scene="$(realpath "$1")"
out="$(realpath -m "$2")"
bun=(npx -y bun@1)

cd "$VARG_SDK_DIR"
if [ ! -d node_modules/ai ]; then
  rm -f bun.lock
  # --ignore-scripts: native postinstalls (sharp) are not needed to render.
  "${bun[@]}" install --ignore-scripts >&2
fi
mkdir -p "$(dirname "$out")"
# --no-cache: never reuse an earlier render of another scene with the same file names.
"${bun[@]}" run src/cli/index.ts render "$scene" -o "$out" --no-cache --quiet >&2
test -s "$out"
echo "$out"
