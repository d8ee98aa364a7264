#!/usr/bin/env bash
# `make cost`: what a job costs each component, in CPU time, beside what the recognition itself needs.
#   1. the offline pipeline on the same photos (imagerec-worker classify): core time per image, measured as the
#      difference in the process's CPU time between a long and a short run, so start-up and model load cancel out;
#   2. the `make run` stack on free ports (eng/run-local.sh) and one course-harness load (imagerec-loadgen --mode
#      harness, COUNT at CONCURRENCY, every answer checked), each process's CPU time (utime + stime from /proc) read
#      before and after the load.
# Prints CPU ms per job of each component (emulator: fauxqs + dynalite, our stand-in for AWS), the pipeline's
# core ms per image, throughput, and a last line
#   cost jobs=N seconds=S jobs_per_second=R worker_ms=.. webtier_ms=.. operator_ms=.. emulator_ms=.. pipeline_ms=..
# Environment: SHARED_DIR (../shared), CONFIGURATION (Release), COUNT (1000), CONCURRENCY (100), WORKERS (2),
# MAX_WORKERS (2: a fixed pool, so scaling does not move the figures).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
SHARED_DIR=${SHARED_DIR:-$repo/../shared}
export SHARED_DIR
CONFIGURATION=${CONFIGURATION:-Release}
COUNT=${COUNT:-1000}
CONCURRENCY=${CONCURRENCY:-100}
WORKERS=${WORKERS:-2}
MAX_WORKERS=${MAX_WORKERS:-$WORKERS}
images="$SHARED_DIR/testdata/images"
bin() { echo "$repo/$1/bin/$CONFIGURATION/net10.0/imagerec-$1"; }
worker=$(bin worker); loadgen=$(bin loadgen)
[ -f "$images/expected.csv" ] || { echo "cost: missing $images/expected.csv (../shared/testdata/images)" >&2; exit 1; }
[ -x "$worker" ] && [ -x "$loadgen" ] || { echo "cost: not built; run 'make build'" >&2; exit 1; }
hz=$(getconf CLK_TCK)
photos=$(find "$images" -maxdepth 1 -type f \( -name '*.jpg' -o -name '*.jpeg' -o -name '*.png' -o -name '*.webp' \) | wc -l)

# --- 1. the pipeline alone ------------------------------------------------------------------------------
cpu_of_run() { # cpu_of_run REPEAT → CPU seconds of one classify run over the photos REPEAT times
  local times; times=$(mktemp)
  /usr/bin/time -o "$times" -f "%U %S" "$worker" classify --repeat "$1" --rounds 1 "$images" >/dev/null 2>&1
  awk '{print $1 + $2}' "$times"; rm -f "$times"
}
echo "cost: the pipeline on $photos photos (classify, CPU time of a 24× run minus a 4× run)"
short=$(cpu_of_run 4); long=$(cpu_of_run 24)
pipeline_ms=$(awk -v a="$short" -v b="$long" -v n="$photos" 'BEGIN { printf "%.2f", (b - a) * 1000 / (20 * n) }')
echo "cost: pipeline core time per image: $pipeline_ms ms"

# --- 2. the stack under a harness load -------------------------------------------------------------------
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port); emulator_port=$(free_port); operator_port=$(free_port); identity_port=$(free_port)
metrics_port=$((30000 + RANDOM % 20000))
run_dir=$(mktemp -d)
PORT=$port EMULATOR_PORT=$emulator_port OPERATOR_PORT=$operator_port IDENTITY_PORT=$identity_port \
  WORKER_METRICS_PORT=$metrics_port WORKERS=$WORKERS MAX_WORKERS=$MAX_WORKERS RUN_DIR=$run_dir \
  SHARED_DIR=$SHARED_DIR CONFIGURATION=$CONFIGURATION bash "$repo/eng/run-local.sh" >"$run_dir/stack.out" 2>&1 &
stack=$!
trap 'kill -TERM $stack 2>/dev/null; wait $stack 2>/dev/null; rm -rf "$run_dir"' EXIT
for _ in $(seq 600); do grep -q '^ready$' "$run_dir/stack.out" && break; kill -0 $stack 2>/dev/null || { cat "$run_dir/stack.out"; exit 1; }; sleep 0.2; done
grep -q '^ready$' "$run_dir/stack.out" || { echo "cost: stack not ready"; cat "$run_dir/stack.out"; exit 1; }

# component PID lines: the emulator, web tier and operator by their ports, the workers as the operator's children.
processes() {
  local operator; operator=$(pgrep -f -- "--urls http://127.0.0.1:$operator_port" | head -n1)
  echo "emulator $(pgrep -f "server.mjs $emulator_port" | head -n1)"
  echo "webtier $(pgrep -f -- "--urls http://127.0.0.1:$port" | head -n1)"
  echo "operator $operator"
  for w in $(pgrep -P "$operator"); do echo "worker $w"; done
}
ticks() { processes | while read -r name pid; do [ -r "/proc/$pid/stat" ] && echo "$pid $name $(awk '{print $14 + $15}' "/proc/$pid/stat")"; done | sort; }

base="http://127.0.0.1:$port"
"$loadgen" --url "$base" --images "$images" --count 30 --concurrency 4 --mode harness >/dev/null || true  # warm-up
before=$(ticks)
echo "cost: course harness, $COUNT images at concurrency $CONCURRENCY, $WORKERS workers"
line=$("$loadgen" --url "$base" --images "$images" --count "$COUNT" --concurrency "$CONCURRENCY" --mode harness | grep '^loadgen ')
after=$(ticks)
echo "$line"
echo "$line" | grep -q " wrong=0 errors=0 " || { echo "cost: the load had wrong answers or errors" >&2; exit 1; }
jobs=$(echo "$line" | sed -n 's/.* ok=\([0-9]*\) .*/\1/p')
seconds=$(echo "$line" | sed -n 's/.* seconds=\([0-9.]*\) .*/\1/p')
per_job=$(join <(echo "$before") <(echo "$after") | awk -v hz="$hz" -v n="$jobs" '{ ms[$2] += ($5 - $3) * 1000 / hz / n }
  END { printf "worker_ms=%.2f webtier_ms=%.2f operator_ms=%.2f emulator_ms=%.2f", ms["worker"], ms["webtier"], ms["operator"], ms["emulator"] }')
echo "cost: CPU per job: $per_job (pipeline alone: $pipeline_ms ms per image)"
echo "cost jobs=$jobs seconds=$seconds jobs_per_second=$(awk -v n="$jobs" -v s="$seconds" 'BEGIN { printf "%.1f", n / s }') $per_job pipeline_ms=$pipeline_ms"
