#!/usr/bin/env bash
# `make load`: the course-harness scenario and a v1 run through imagerec-loadgen, against URL when it is
# given, otherwise against the local stack started here through eng/run-local.sh on free ports and
# stopped at the end.
#   0. warm-up: 30 v1 uploads at concurrency 4 (not reported)
#   1. course harness: 100 images at concurrency 100 on POST / (inputFile), every answer checked
#   2. course harness: 1000 images at concurrency 100 (the 30 test images cycled, names kept)
#   3. v1: V1_COUNT uploads at concurrency V1_CONCURRENCY on POST /v1/images?wait=30
#   4. uploads only: 1000 at concurrency 100 on POST /v1/images without waiting (202 queued)
#   5. direct to S3: V1_COUNT images at V1_CONCURRENCY: POST /v1/uploads, PUT to the presigned URL, GET ?wait=30
#   6. direct-to-S3 uploads only: 1000 at concurrency 100 (POST /v1/uploads + PUT), to compare with 4
# Histograms (SVG) and reports (JSON) go to artifacts/load/; the machine-readable lines to
# artifacts/load/summary.txt; the local stack's logs to artifacts/load/stack-logs. Exits non-zero when any answer was wrong or failed.
# The v1 runs sign in: against the local stack as the user 'loadgen' (its local OpenID provider's password
# grant); against URL with TOKEN (an access token for that web tier) when it requires sign-in.
# Environment: URL, TOKEN, SHARED_DIR (../shared), CONFIGURATION (Release), WORKERS (2), MAX_WORKERS (4),
# V1_COUNT (1000), V1_CONCURRENCY (100), OUT_DIR (artifacts/load).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
SHARED_DIR=${SHARED_DIR:-$repo/../shared}
CONFIGURATION=${CONFIGURATION:-Release}
V1_COUNT=${V1_COUNT:-1000}
V1_CONCURRENCY=${V1_CONCURRENCY:-100}
OUT_DIR=${OUT_DIR:-$repo/artifacts/load}
images="$SHARED_DIR/testdata/images"
loadgen="$repo/loadgen/bin/$CONFIGURATION/net10.0/imagerec-loadgen"
[ -f "$images/expected.csv" ] || { echo "load: missing $images/expected.csv (../shared/testdata/images)" >&2; exit 1; }
[ -x "$loadgen" ] || { echo "load: $loadgen not built; run 'make build'" >&2; exit 1; }
mkdir -p "$OUT_DIR"

if [ -n "${URL:-}" ]; then
  base=$URL
  auth=(${TOKEN:+--token "$TOKEN"})
else
  # One block of consecutive ports: web tier, emulator, operator, identity provider, then one per worker (eng/ports.sh).
  source "$repo/eng/ports.sh"
  ports=$(free_ports $((4 + ${MAX_WORKERS:-4})))
  port=$ports; emulator_port=$((ports + 1)); operator_port=$((ports + 2)); identity_port=$((ports + 3)); metrics_port=$((ports + 4))
  run_dir=$(mktemp -d)
  out="$run_dir/stack.out"
  PORT=$port EMULATOR_PORT=$emulator_port OPERATOR_PORT=$operator_port IDENTITY_PORT=$identity_port WORKER_METRICS_PORT=$metrics_port \
    RUN_DIR=$run_dir SHARED_DIR=$SHARED_DIR CONFIGURATION=$CONFIGURATION \
    bash "$repo/eng/run-local.sh" >"$out" 2>&1 &
  stack=$!
  # The stack's logs are kept in OUT_DIR/stack-logs: an error in a run is explained there.
  trap 'kill -TERM $stack 2>/dev/null || true; wait $stack 2>/dev/null || true; rm -rf "$OUT_DIR/stack-logs"; cp -r "$run_dir/logs" "$OUT_DIR/stack-logs" 2>/dev/null || true; rm -rf "$run_dir"' EXIT
  echo "load: starting the local stack"
  for _ in $(seq 600); do grep -q '^ready$' "$out" && break; kill -0 $stack 2>/dev/null || { cat "$out"; exit 1; }; sleep 0.2; done
  grep -q '^ready$' "$out" || { echo "load: stack not ready"; cat "$out"; exit 1; }
  base="http://127.0.0.1:$port"
  auth=(--user loadgen)
fi
echo "load: target $base; $(nproc) cores, $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n1)"

"$loadgen" --url "$base" "${auth[@]}" --images "$images" --count 30 --concurrency 4 --mode v1 >/dev/null || true

status=0
: >"$OUT_DIR/summary.txt"
run() { # run NAME LOADGEN-ARGS...
  local name=$1; shift
  echo "load: $name"
  "$loadgen" --url "$base" "${auth[@]}" --images "$images" --histogram "$OUT_DIR/$name.svg" --json "$OUT_DIR/$name.json" "$@" \
    | tee "$OUT_DIR/$name.txt" || status=1
  grep '^loadgen ' "$OUT_DIR/$name.txt" >>"$OUT_DIR/summary.txt" || true
}
run harness-100 --mode harness --count 100 --concurrency 100 --title "course harness: 100 images at concurrency 100"
run harness-1000 --mode harness --count 1000 --concurrency 100 --title "course harness: 1000 images at concurrency 100"
run v1-"$V1_COUNT" --mode v1 --wait 30 --count "$V1_COUNT" --concurrency "$V1_CONCURRENCY" \
  --title "v1: $V1_COUNT uploads (wait=30) at concurrency $V1_CONCURRENCY"
# The web tier alone: uploads accepted (stored and queued) per second at 100 clients, nobody waiting.
run upload-1000 --mode upload --count 1000 --concurrency 100 --title "uploads: 1000 at concurrency 100, no wait"
run direct-"$V1_COUNT" --mode direct --wait 30 --count "$V1_COUNT" --concurrency "$V1_CONCURRENCY" \
  --title "direct to S3 (POST /v1/uploads, PUT, GET ?wait): $V1_COUNT images at concurrency $V1_CONCURRENCY"
run direct-upload-1000 --mode direct-upload --count 1000 --concurrency 100 --title "direct-to-S3 uploads: 1000 at concurrency 100, no wait"

echo "load: summary (histograms and JSON reports in ${OUT_DIR#"$repo"/})"
cat "$OUT_DIR/summary.txt"
exit $status
