#!/usr/bin/env bash
# `make bench-e2e`: latency figures of the local stack, started here through eng/run-local.sh on
# free ports and stopped at the end.
#   1. synchronous uploads one at a time on the idle stack (POST /v1/images?wait=30): p50, p90, p99
#   2. the course-harness scenario: all test images posted at once to POST / (inputFile); every
#      answer checked against expected.csv; mean and max latency, total time
# Environment: SEQUENTIAL (number of sequential uploads, default 100), WORKERS (2), SHARED_DIR.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
SHARED_DIR=${SHARED_DIR:-$repo/../shared}
SEQUENTIAL=${SEQUENTIAL:-100}
images="$SHARED_DIR/testdata/images"
[ -f "$images/expected.csv" ] || { echo "bench: missing $images/expected.csv (../shared/testdata/images)" >&2; exit 1; }

# One block of consecutive ports: web tier, emulator, operator, identity provider, then one per worker (eng/ports.sh).
source "$repo/eng/ports.sh"
ports=$(free_ports $((4 + ${MAX_WORKERS:-4})))
port=$ports; emulator_port=$((ports + 1)); operator_port=$((ports + 2)); identity_port=$((ports + 3)); metrics_port=$((ports + 4))
run_dir=$(mktemp -d)
out="$run_dir/stack.out"
PORT=$port EMULATOR_PORT=$emulator_port OPERATOR_PORT=$operator_port IDENTITY_PORT=$identity_port WORKER_METRICS_PORT=$metrics_port RUN_DIR=$run_dir SHARED_DIR=$SHARED_DIR \
  bash "$repo/eng/run-local.sh" >"$out" 2>&1 &
stack=$!
trap 'kill -TERM $stack 2>/dev/null || true; wait $stack 2>/dev/null || true; rm -rf "$run_dir"' EXIT
for _ in $(seq 600); do grep -q '^ready$' "$out" && break; kill -0 $stack 2>/dev/null || { cat "$out"; exit 1; }; sleep 0.2; done
grep -q '^ready$' "$out" || { echo "bench: stack not ready"; cat "$out"; exit 1; }
base="http://127.0.0.1:$port"
# The v1 uploads sign in at the stack's local OpenID provider; the course-harness route needs no token.
auth=(-H "Authorization: Bearer $(bash "$repo/eng/token.sh" bench "http://127.0.0.1:$identity_port")")

percentile() { # percentile P < sorted numbers
  awk -v p="$1" '{ v[NR] = $1 } END { i = int((p / 100) * NR + 0.999999); if (i < 1) i = 1; if (i > NR) i = NR; printf "%.1f", v[i] * 1000 }'
}

echo "bench: warming up"
for f in "$images"/img_0*.jpg; do curl -sf -o /dev/null "${auth[@]}" -F "image=@$f" "$base/v1/images?wait=30"; done

echo "bench: $SEQUENTIAL synchronous uploads, one at a time"
files=("$images"/*.jpg)
: >"$run_dir/seq"
for i in $(seq 0 $((SEQUENTIAL - 1))); do
  curl -sf -o /dev/null "${auth[@]}" -w '%{time_total}\n' -F "image=@${files[$((i % ${#files[@]}))]}" "$base/v1/images?wait=30" >>"$run_dir/seq"
done
sort -n "$run_dir/seq" >"$run_dir/seq.sorted"
echo "sync_upload_ms p50=$(percentile 50 <"$run_dir/seq.sorted") p90=$(percentile 90 <"$run_dir/seq.sorted") p99=$(percentile 99 <"$run_dir/seq.sorted") n=$SEQUENTIAL"

echo "bench: course-harness scenario, ${#files[@]} images posted at once"
started=$(date +%s%N)
posts=()
for f in "${files[@]}"; do
  curl -s -w '\t%{time_total}\n' -F "inputFile=@$f" "$base/" >"$run_dir/harness.$(basename "$f")" &
  posts+=($!)
done
wait "${posts[@]}" || true
total_ms=$(( ($(date +%s%N) - started) / 1000000 ))
correct=0
while IFS=, read -r file label _; do
  [ "$file" = file ] && continue
  answer=$(cut -f1 "$run_dir/harness.$file")
  [ "$answer" = "${file%.jpg}:$label" ] && correct=$((correct + 1)) || echo "bench: $file answered '$answer', expected '${file%.jpg}:$label'"
done <"$images/expected.csv"
cut -f2 "$run_dir"/harness.* | sort -n >"$run_dir/harness.sorted"
mean=$(awk '{ s += $1 } END { printf "%.1f", s / NR * 1000 }' "$run_dir/harness.sorted")
echo "course_harness images=${#files[@]} correct=$correct mean_ms=$mean p50_ms=$(percentile 50 <"$run_dir/harness.sorted") max_ms=$(percentile 100 <"$run_dir/harness.sorted") total_ms=$total_ms"
