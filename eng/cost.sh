#!/usr/bin/env bash
# `make cost`: what a job costs each component, in CPU time, beside what the recognition itself needs.
#   1. the offline pipeline on the same photos (imagerec-worker classify): core time per image, measured as the
#      difference in the process's CPU time between a long and a short run, so start-up and model load cancel out;
#      the long (24×) run's own throughput line, with classify's defaults on this machine's cores, is the yardstick
#      for the stack's throughput;
#   2. the `make run` stack on free ports (eng/run-local.sh) under course-harness loads (imagerec-loadgen --mode
#      harness, COUNT at CONCURRENCY, every answer checked), each process's CPU time (utime + stime from /proc) read
#      before and after each: first COUNT right after start (cold: the JIT compiles as the load runs), then WARMUP
#      more unmeasured, then COUNT measured (warm: what a running pool costs per job, the figures of the last line);
#      then COUNT asynchronous uploads (--mode upload, answered 202 queued) for the web tier's CPU per upload;
#   3. the same stack idle, after the load: once the queue is empty (the operator's /status) and the tiered JIT has
#      re-compiled what the load made hot (a one-off: its thread quiet for 5 s, at most IDLE_SETTLE_MAX s), each
#      process's CPU time over IDLE_SECONDS as % of one core, so the figure is the idle steady state.
#      The operator polls at the pool's spec.scaling.pollInterval (deploy/local/pool.yaml: 1s), the workers long-poll
#      for RECEIVE_WAIT_SECONDS (eng/run-local.sh: 5; 20 in clusters).
# Prints CPU ms per job of each component (emulator: fauxqs + dynalite, our stand-in for AWS), the pipeline's
# core ms per image, throughput, idle CPU, and a last line
#   cost jobs=N seconds=S jobs_per_second=R worker_ms=.. webtier_ms=.. operator_ms=.. emulator_ms=.. pipeline_ms=..
#        classify_images_per_second=.. harness_vs_classify=.. mean_ms=.. operator_idle_pct=.. worker_idle_pct=..
#        webtier_async_ms=.. cold_worker_ms=.. cold_webtier_ms=.. cold_operator_ms=.. cold_emulator_ms=..
# (one line: harness_vs_classify is jobs_per_second over classify's images per second, mean_ms the load's mean latency,
# worker_idle_pct the busiest idle worker's; the fields up to mean_ms are the warm load's, cold_* the first load's).
# Environment: SHARED_DIR (../shared), CONFIGURATION (Release), COUNT (1000), CONCURRENCY (100), WARMUP (2000), WORKERS (2),
# MAX_WORKERS (2: a fixed pool, so scaling does not move the figures), IDLE_SECONDS (30), IDLE_SETTLE_MAX (60),
# RECEIVE_WAIT_SECONDS (passed to eng/run-local.sh).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
SHARED_DIR=${SHARED_DIR:-$repo/../shared}
export SHARED_DIR
CONFIGURATION=${CONFIGURATION:-Release}
COUNT=${COUNT:-1000}
CONCURRENCY=${CONCURRENCY:-100}
WORKERS=${WORKERS:-2}
MAX_WORKERS=${MAX_WORKERS:-$WORKERS}
WARMUP=${WARMUP:-2000}
IDLE_SECONDS=${IDLE_SECONDS:-30}
IDLE_SETTLE_MAX=${IDLE_SETTLE_MAX:-60}
images="$SHARED_DIR/testdata/images"
bin() { echo "$repo/$1/bin/$CONFIGURATION/net10.0/imagerec-$1"; }
worker=$(bin worker); loadgen=$(bin loadgen)
[ -f "$images/expected.csv" ] || { echo "cost: missing $images/expected.csv (../shared/testdata/images)" >&2; exit 1; }
[ -x "$worker" ] && [ -x "$loadgen" ] || { echo "cost: not built; run 'make build'" >&2; exit 1; }
hz=$(getconf CLK_TCK)
photos=$(find "$images" -maxdepth 1 -type f \( -name '*.jpg' -o -name '*.jpeg' -o -name '*.png' -o -name '*.webp' \) | wc -l)

# --- 1. the pipeline alone ------------------------------------------------------------------------------
classify_run() { # classify_run REPEAT → the CPU seconds of one classify run over the photos REPEAT times, then its last line
  local times line; times=$(mktemp)
  line=$(/usr/bin/time -o "$times" -f "%U %S" "$worker" classify --repeat "$1" --rounds 1 "$images" 2>/dev/null | tail -n1)
  echo "$(awk '{print $1 + $2}' "$times") $line"; rm -f "$times"
}
echo "cost: the pipeline on $photos photos (classify, CPU time of a 24× run minus a 4× run)"
short=$(classify_run 4); long=$(classify_run 24)
classify_line=${long#* }
classify_rate=$(echo "$classify_line" | sed -n 's/.* images_per_second=\([0-9.]*\).*/\1/p')
[ -n "$classify_rate" ] || { echo "cost: classify printed no throughput line (got '$classify_line')" >&2; exit 1; }
pipeline_ms=$(awk -v a="${short%% *}" -v b="${long%% *}" -v n="$photos" 'BEGIN { printf "%.2f", (b - a) * 1000 / (20 * n) }')
echo "cost: classify, 24×: $classify_line"
echo "cost: pipeline core time per image: $pipeline_ms ms"

# --- 2. the stack under a harness load -------------------------------------------------------------------
# One block of consecutive ports: web tier, emulator, operator, identity provider, then one per worker (eng/ports.sh).
source "$repo/eng/ports.sh"
ports=$(free_ports $((4 + MAX_WORKERS)))
port=$ports; emulator_port=$((ports + 1)); operator_port=$((ports + 2)); identity_port=$((ports + 3)); metrics_port=$((ports + 4))
run_dir=$(mktemp -d)
PORT=$port EMULATOR_PORT=$emulator_port OPERATOR_PORT=$operator_port IDENTITY_PORT=$identity_port \
  WORKER_METRICS_PORT=$metrics_port WORKERS=$WORKERS MAX_WORKERS=$MAX_WORKERS RUN_DIR=$run_dir \
  SHARED_DIR=$SHARED_DIR CONFIGURATION=$CONFIGURATION bash "$repo/eng/run-local.sh" >"$run_dir/stack.out" 2>&1 &
stack=$!
trap 'kill -TERM $stack 2>/dev/null || true; wait $stack 2>/dev/null || true; rm -rf "$run_dir"' EXIT
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

# measure MODE N [LOADGEN OPTIONS] → "LOADGEN_LINE|worker_ms=.. webtier_ms=.. operator_ms=.. emulator_ms=..": N requests
# at CONCURRENCY, each process's CPU time over them per request. Harness answers are checked; upload mode's 202s counted.
measure() {
  local before after line per_request
  before=$(ticks)
  line=$("$loadgen" --url "$base" --images "$images" --count "$2" --concurrency "$CONCURRENCY" --mode "$1" "${@:3}" | grep '^loadgen ')
  after=$(ticks)
  echo "$line" | grep -q " wrong=0 errors=0 " || { echo "cost: the $1 load had wrong answers or errors: $line" >&2; exit 1; }
  per_request=$(join <(echo "$before") <(echo "$after") | awk -v hz="$hz" -v n="$2" '{ ms[$2] += ($5 - $3) * 1000 / hz / n }
    END { printf "worker_ms=%.2f webtier_ms=%.2f operator_ms=%.2f emulator_ms=%.2f", ms["worker"], ms["webtier"], ms["operator"], ms["emulator"] }')
  echo "$line|$per_request"
}
field() { echo "$2" | sed -n "s/.*[ |]$1=\([0-9.]*\).*/\1/p"; }

echo "cost: course harness, $COUNT images at concurrency $CONCURRENCY, $WORKERS workers, just started (cold)"
cold=$(measure harness "$COUNT")
echo "${cold%%|*}"
echo "cost: CPU per job, cold: ${cold##*|}"
echo "cost: $WARMUP more harness images (not measured), then $COUNT measured (warm)"
[ "$WARMUP" -gt 0 ] && { measure harness "$WARMUP" >/dev/null; }
warm=$(measure harness "$COUNT")
line=${warm%%|*}; per_job=${warm##*|}
echo "$line"
jobs=$(field ok "$line"); seconds=$(field seconds "$line"); mean_ms=$(field mean_ms "$line")
echo "cost: CPU per job, warm: $per_job (pipeline alone: $pipeline_ms ms per image)"
jobs_per_second=$(awk -v n="$jobs" -v s="$seconds" 'BEGIN { printf "%.1f", n / s }')
harness_vs_classify=$(awk -v n="$jobs" -v s="$seconds" -v c="$classify_rate" 'BEGIN { printf "%.3f", n / s / c }')
echo "cost: throughput $jobs_per_second jobs/s, classify $classify_rate images/s: harness_vs_classify=$harness_vs_classify; mean latency $mean_ms ms"
echo "cost: asynchronous uploads (v1, answered 202 queued), $COUNT at concurrency $CONCURRENCY"
uploads=$(measure upload "$COUNT" --user loadgen)  # the v1 API signs in: the local provider's user 'loadgen'
echo "${uploads%%|*}"
webtier_async_ms=$(field webtier_ms "${uploads##*|}")
echo "cost: web tier CPU per asynchronous upload: $webtier_async_ms ms"

# --- 3. the same stack idle ---------------------------------------------------------------------------------
status=""
for _ in $(seq 900); do  # the queue empty (the uploads' jobs done): nothing visible, in flight or delayed (the operator's last poll)
  status=$(curl -sf "http://127.0.0.1:$operator_port/status" || true)
  echo "$status" | grep -q '"queue":{"visible":0,"inFlight":0,"delayed":0' && break
  sleep 0.1
done
echo "$status" | grep -q '"queue":{"visible":0,"inFlight":0,"delayed":0' || { echo "cost: the queue did not empty after the load: $status" >&2; exit 1; }
poll=$(echo "$status" | sed -n 's/.*"pollInterval":"\([^"]*\)".*/\1/p')
# After a load the workers' tiered JIT goes on re-compiling what became hot for half a minute or so (a one-off, a few
# tenths of a CPU second each, 1-6% of a core meanwhile): the window starts once the operator's and workers'
# tiered-compilation threads have been quiet for 5 s (at most IDLE_SETTLE_MAX s after the queue emptied), and what
# they still use in it is printed.
tiered_ticks() {
  processes | awk '$1 == "operator" || $1 == "worker" { print $2 }' | while read -r pid; do
    for thread in /proc/"$pid"/task/*; do
      # The thread comes and goes (it exits when it has been idle a while): gone between the two reads, it counts 0.
      if [ "$(cat "$thread/comm" 2>/dev/null)" = ".NET Tiered Com" ]; then sed 's/.*) //' "$thread/stat" 2>/dev/null | awk '{ print $12 + $13 }' || true; fi
    done
  done | awk '{ s += $1 } END { print s + 0 }'
}
settle=$SECONDS; quiet=0; last=$(tiered_ticks)
while [ "$quiet" -lt 5 ] && [ $((SECONDS - settle)) -lt "$IDLE_SETTLE_MAX" ]; do
  sleep 1; now=$(tiered_ticks)
  if [ "$now" = "$last" ]; then quiet=$((quiet + 1)); else quiet=0; fi
  last=$now
done
settle=$((SECONDS - settle))
before=$(ticks); jit_before=$(tiered_ticks); started=$(date +%s.%N)
sleep "$IDLE_SECONDS"
after=$(ticks); jit_after=$(tiered_ticks); idle_seconds=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
idle_pct=$(join <(echo "$before") <(echo "$after") | awk -v hz="$hz" -v s="$idle_seconds" '{ printf "%s %s %.2f\n", $2, $1, ($5 - $3) * 100 / hz / s }')
echo "cost: idle, $IDLE_SECONDS s with an empty queue from ${settle} s after it emptied (operator poll $poll, workers' long poll" \
  "${RECEIVE_WAIT_SECONDS:-5} s), % of one core: $(echo "$idle_pct" | awk '{ printf "%s%s (pid %s) %s%%", (NR > 1 ? ", " : ""), $1, $2, $3 }');" \
  "the operator's and workers' tiered JIT in it: $(awk -v a="$jit_before" -v b="$jit_after" -v hz="$hz" 'BEGIN { printf "%.2f", (b - a) / hz }') CPU s"
idle=$(echo "$idle_pct" | awk '$1 == "operator" { operator = $3 } $1 == "worker" && $3 >= worker { worker = $3 }
  END { printf "operator_idle_pct=%.2f worker_idle_pct=%.2f", operator, worker }')
cold_fields=$(echo "${cold##*|}" | sed 's/\([a-z]*_ms=\)/cold_\1/g')
echo "cost jobs=$jobs seconds=$seconds jobs_per_second=$jobs_per_second $per_job pipeline_ms=$pipeline_ms" \
  "classify_images_per_second=$classify_rate harness_vs_classify=$harness_vs_classify mean_ms=$mean_ms $idle" \
  "webtier_async_ms=$webtier_async_ms $cold_fields"
