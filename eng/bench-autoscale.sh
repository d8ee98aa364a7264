#!/usr/bin/env bash
# `make bench-autoscale`: how fast the operator (local mode, deploy/local/pool.yaml: poll 1 s,
# stabilisation 15 s, 10 messages per worker) reacts, on the `make run` stack started here.
#   reaction_ms    from the first accepted upload of a burst to the pool's replicas rising
#   scale_in_ms    from the queue being drained (visible = in flight = 0) to replicas back at the minimum
# Environment: JOBS (300), CONCURRENCY (25), WORKERS (2), MAX_WORKERS (4), SHARED_DIR.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
SHARED_DIR=${SHARED_DIR:-$repo/../shared}
JOBS=${JOBS:-300}
CONCURRENCY=${CONCURRENCY:-25}
WORKERS=${WORKERS:-2}
MAX_WORKERS=${MAX_WORKERS:-4}
images=("$SHARED_DIR"/testdata/images/*.jpg)
[ -f "${images[0]}" ] || { echo "bench: no test images in $SHARED_DIR/testdata/images" >&2; exit 1; }

port=$((20000 + RANDOM % 10000)); operator_port=$((port + 1)); emulator_port=$((port + 2)); identity_port=$((port + 3)); metrics_port=$((port + 10))
run_dir=$(mktemp -d)
PORT=$port OPERATOR_PORT=$operator_port EMULATOR_PORT=$emulator_port IDENTITY_PORT=$identity_port WORKER_METRICS_PORT=$metrics_port \
  WORKERS=$WORKERS MAX_WORKERS=$MAX_WORKERS RUN_DIR=$run_dir SHARED_DIR=$SHARED_DIR \
  bash "$repo/eng/run-local.sh" >"$run_dir/stack.out" 2>&1 &
stack=$!
trap 'kill -TERM $stack 2>/dev/null || true; wait $stack 2>/dev/null || true; rm -rf "$run_dir"' EXIT
for _ in $(seq 600); do grep -q '^ready$' "$run_dir/stack.out" && break; kill -0 $stack 2>/dev/null || { cat "$run_dir/stack.out"; exit 1; }; sleep 0.2; done

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
field() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }
status() { curl -sf "http://127.0.0.1:$operator_port/status"; }

echo "bench: $JOBS uploads at concurrency $CONCURRENCY, pool $WORKERS..$MAX_WORKERS workers"
first_accepted=""
auth=(-H "Authorization: Bearer $(bash "$repo/eng/token.sh" bench "http://127.0.0.1:$identity_port")")
upload() { curl -sf -o /dev/null "${auth[@]}" -F "image=@${images[$(( $1 % ${#images[@]} ))]}" "http://127.0.0.1:$port/v1/images"; }
( for i in $(seq 0 $((JOBS - 1))); do upload "$i" & (( (i + 1) % CONCURRENCY == 0 )) && wait; done; wait ) &
uploads=$!
upload 0 && first_accepted=$(now_ms)

scaled_out=""
drained=""
scaled_in=""
while :; do
  s=$(status); t=$(now_ms)
  replicas=$(echo "$s" | field replicas); visible=$(echo "$s" | field visible); in_flight=$(echo "$s" | field inFlight)
  [ -z "$scaled_out" ] && [ "${replicas:-0}" -gt "$WORKERS" ] && scaled_out=$t && echo "bench: scaled out to $replicas"
  if [ -n "$scaled_out" ] && [ -z "$drained" ] && ! kill -0 $uploads 2>/dev/null && [ "$visible" = 0 ] && [ "$in_flight" = 0 ]; then drained=$t; fi
  [ -n "$drained" ] && [ "$replicas" = "$WORKERS" ] && scaled_in=$t && break
  [ $((t - first_accepted)) -gt 240000 ] && { echo "bench: gave up after 240 s ($s)"; exit 1; }
  sleep 0.1
done
echo "autoscale reaction_ms=$((scaled_out - first_accepted)) scale_in_ms=$((scaled_in - drained)) poll_interval_ms=1000 stabilization_ms=15000"
