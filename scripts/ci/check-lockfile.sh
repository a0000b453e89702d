#!/usr/bin/env bash
# CI: the committed package-lock.json must exist, be a real lockfile, and be one that a strict
# install (`npm ci`, as deploy builds run it) accepts: every dependency of package.json, and every
# optional platform package of those, pinned. Checked offline in a scratch copy, so the working
# tree's node_modules is never touched.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ ! -s package-lock.json ]; then
  echo "package-lock.json is missing or empty: run 'npm install' and commit it" >&2
  exit 1
fi
node -e '
  const lock = require("./package-lock.json");
  const pkg = require("./package.json");
  const packages = Object.keys(lock.packages ?? {});
  const fail = (why) => { console.error(`package-lock.json ${why}: run "npm install" and commit it`); process.exit(1); };
  if (!(lock.lockfileVersion >= 2)) fail(`has lockfileVersion ${lock.lockfileVersion}, expected 3`);
  const direct = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.optionalDependencies });
  const missing = direct.filter((name) => !lock.packages[`node_modules/${name}`]);
  if (missing.length) fail(`does not pin ${missing.join(", ")}`);
  console.log(`package-lock.json: ${packages.length - 1} packages pinned`);
'
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp package.json package-lock.json "$scratch/"
if ! (cd "$scratch" && npm ci --dry-run --ignore-scripts --offline --no-audit --no-fund --cache "$scratch/.npm") >"$scratch/ci.log" 2>&1; then
  grep -v "EBADENGINE\|^npm warn" "$scratch/ci.log" | sed '/Clean install a project/q' >&2
  echo "package-lock.json is out of step with package.json: 'npm ci' (deploy builds) would refuse it" >&2
  exit 1
fi
echo "package-lock.json: accepted by npm ci"
