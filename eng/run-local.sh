#!/usr/bin/env bash
# `make run`: the whole system on one machine.
#   AWS emulator on one loopback port (fauxqs for SQS/S3, dynalite for DynamoDB) → queues (with a dead-letter
#   queue), buckets and the image index table (deploy/eks/image-index-table.json), model uploaded
#   → the operator in local mode (deploy/local/pool.yaml), which runs and scales worker processes
#   between WORKERS and MAX_WORKERS on the queue depth → local OpenID provider (imagerec-identity) on
#   http://127.0.0.1:$IDENTITY_PORT → web tier on http://127.0.0.1:$PORT, requiring its bearer tokens.
# AUTH=none runs the web tier without sign-in (every request is the user 'anonymous') and no provider.
# Ctrl-C or SIGTERM stops every process this script started. The end-to-end tests start the stack
# through this same script.
#
# Environment: PORT (8080), WORKERS (2, the pool's minimum), MAX_WORKERS (4), OPERATOR_PORT (8081),
# IDENTITY_PORT (8082), AUTH (oidc or none), EMULATOR_PORT (4566), WORKER_METRICS_PORT (9100, one per
# worker upwards), SHARED_DIR (../shared), CONFIGURATION (Release), RUN_DIR (.run), VISIBILITY_TIMEOUT
# (60: seconds a received job stays hidden, so how soon a crashed worker's jobs return), SERVICES_ENDPOINT
# (the emulator's address: the SQS/S3/DynamoDB endpoint the web tier, operator and workers use, e.g. a
# fault-injecting proxy in front of the emulator; the script itself always provisions the emulator directly),
# RECEIVE_WAIT_SECONDS (5: the workers' long poll, which bounds how long stopping a worker takes).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
PORT=${PORT:-8080}
WORKERS=${WORKERS:-2}
MAX_WORKERS=${MAX_WORKERS:-4}
[ "$MAX_WORKERS" -ge "$WORKERS" ] || MAX_WORKERS=$WORKERS
OPERATOR_PORT=${OPERATOR_PORT:-8081}
IDENTITY_PORT=${IDENTITY_PORT:-8082}
AUTH=${AUTH:-oidc}
EMULATOR_PORT=${EMULATOR_PORT:-4566}
WORKER_METRICS_PORT=${WORKER_METRICS_PORT:-9100}
SHARED_DIR=${SHARED_DIR:-$repo/../shared}
[ -d "$SHARED_DIR" ] && SHARED_DIR=$(cd "$SHARED_DIR" && pwd)
CONFIGURATION=${CONFIGURATION:-Release}
RUN_DIR=${RUN_DIR:-$repo/.run}

REQUEST_QUEUE=imagerec-requests
DEAD_LETTER_QUEUE=imagerec-requests-dlq
INPUT_BUCKET=imagerec-input
RESULT_BUCKET=imagerec-results
MODEL_BUCKET=imagerec-models
INDEX_TABLE=imagerec-images
MODEL_FILE=mobilenetv2-12-int8.onnx
LABELS_FILE=imagenet_classes.txt
CLIENT_ID=imagerec
MAX_RECEIVE_COUNT=5
VISIBILITY_TIMEOUT=${VISIBILITY_TIMEOUT:-60}

log() { echo "run: $*" >&2; }
die() { log "$*"; exit 1; }

models="$SHARED_DIR/models"
for file in "$MODEL_FILE" "$LABELS_FILE"; do
  [ -f "$models/$file" ] || die "missing $models/$file. Put the MobileNetV2 int8 model ($MODEL_FILE) and its labels ($LABELS_FILE) in $models (see README: Model files)."
done
node="$repo/.deps/emulator/node_modules/.bin/node"
[ -x "$node" ] || die "the AWS emulator (fauxqs, dynalite) is not installed; run 'make deps'."
worker_bin="$repo/worker/bin/$CONFIGURATION/net10.0/imagerec-worker"
webtier_bin="$repo/webtier/bin/$CONFIGURATION/net10.0/imagerec-webtier"
operator_bin="$repo/operator/bin/$CONFIGURATION/net10.0/imagerec-operator"
identity_bin="$repo/identity/bin/$CONFIGURATION/net10.0/imagerec-identity"
[ -x "$worker_bin" ] && [ -x "$webtier_bin" ] && [ -x "$operator_bin" ] && [ -x "$identity_bin" ] || die "binaries not built; run 'make build'."
case "$AUTH" in oidc|none) ;; *) die "AUTH must be oidc or none, not '$AUTH'" ;; esac

mkdir -p "$RUN_DIR/logs"
pids=()
stop() {
  trap - INT TERM EXIT
  [ ${#pids[@]} -gt 0 ] || return 0
  log "stopping ${#pids[@]} processes"
  # The services before the emulator (started first): workers still busy then finish or release their jobs
  # instead of failing against a closed port.
  local services=("${pids[@]:1}")
  if [ ${#services[@]} -gt 0 ]; then
    kill -TERM "${services[@]}" 2>/dev/null || true
    wait "${services[@]}" 2>/dev/null || true
  fi
  kill -TERM "${pids[0]}" 2>/dev/null || true
  wait "${pids[0]}" 2>/dev/null || true
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

# --- emulator ------------------------------------------------------------------------------------
# The index lives in memory, like fauxqs's queues and buckets: each run starts empty (an index kept from an earlier
# run would list images whose objects are gone). dynalite on LevelDB cost this stack a third of its throughput on two
# cores (docs/performance.md, "The emulator's share") for a persistence nothing here used.
rm -rf "$RUN_DIR/dynamodb" # left by runs before that
"$node" --no-warnings "$repo/eng/emulator/server.mjs" "$EMULATOR_PORT" >"$RUN_DIR/logs/emulator.log" 2>&1 &
pids+=($!)
endpoint=""
for _ in $(seq 100); do
  endpoint=$(sed -n 's/^listening \(http:[^ ]*\)$/\1/p' "$RUN_DIR/logs/emulator.log" | head -n1)
  [ -n "$endpoint" ] && break
  kill -0 "${pids[0]}" 2>/dev/null || die "emulator exited: $(cat "$RUN_DIR/logs/emulator.log")"
  sleep 0.1
done
[ -n "$endpoint" ] || die "emulator did not start within 10 s"
log "SQS/S3/DynamoDB emulator on $endpoint"

# --- queues, buckets, table (the emulator checks only presigned URLs' signatures, so plain curl provisions it)
sqs() { # sqs ACTION JSON → response body
  curl -sS --fail-with-body -X POST "$endpoint/" -H "Content-Type: application/x-amz-json-1.0" \
    -H "X-Amz-Target: AmazonSQS.$1" --data "$2"
}
json_field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }

sqs CreateQueue "{\"QueueName\":\"$DEAD_LETTER_QUEUE\",\"Attributes\":{\"MessageRetentionPeriod\":\"1209600\"}}" >/dev/null
dlq_url=$(sqs GetQueueUrl "{\"QueueName\":\"$DEAD_LETTER_QUEUE\"}" | json_field QueueUrl)
dlq_arn=$(sqs GetQueueAttributes "{\"QueueUrl\":\"$dlq_url\",\"AttributeNames\":[\"QueueArn\"]}" | json_field QueueArn)
[ -n "$dlq_arn" ] || die "could not read the dead-letter queue's ARN"
redrive="{\\\"deadLetterTargetArn\\\":\\\"$dlq_arn\\\",\\\"maxReceiveCount\\\":$MAX_RECEIVE_COUNT}"
sqs CreateQueue "{\"QueueName\":\"$REQUEST_QUEUE\",\"Attributes\":{\"VisibilityTimeout\":\"$VISIBILITY_TIMEOUT\",\"RedrivePolicy\":\"$redrive\"}}" >/dev/null
for bucket in "$INPUT_BUCKET" "$RESULT_BUCKET" "$MODEL_BUCKET"; do
  curl -sS --fail-with-body -X PUT "$endpoint/$bucket" >/dev/null
done
# Images written straight into the input bucket (presigned PUTs, pipelines) reach the workers as S3 events on the
# request queue, as deploy/eks configures it; the configuration sends one s3:TestEvent there, left for the workers.
request_queue_url=$(sqs GetQueueUrl "{\"QueueName\":\"$REQUEST_QUEUE\"}" | json_field QueueUrl)
request_queue_arn=$(sqs GetQueueAttributes "{\"QueueUrl\":\"$request_queue_url\",\"AttributeNames\":[\"QueueArn\"]}" | json_field QueueArn)
[ -n "$request_queue_arn" ] || die "could not read the request queue's ARN"
curl -sS --fail-with-body -X PUT "$endpoint/$INPUT_BUCKET?notification" -H "Content-Type: application/xml" --data \
  "<NotificationConfiguration><QueueConfiguration><Id>images</Id><Queue>$request_queue_arn</Queue><Event>s3:ObjectCreated:*</Event></QueueConfiguration></NotificationConfiguration>" >/dev/null
for file in "$MODEL_FILE" "$LABELS_FILE"; do
  curl -sS --fail-with-body -X PUT "$endpoint/$MODEL_BUCKET/$file" -H "Content-Type: application/octet-stream" \
    --data-binary "@$models/$file" >/dev/null
done
model_sha256=$(sha256sum "$models/$MODEL_FILE" | cut -d' ' -f1)
# The table as deploy/eks creates it on AWS, then wait until it is ACTIVE (as `aws dynamodb wait table-exists`).
dynamodb() { # dynamodb ACTION JSON → response body; dynalite wants a signed-looking request, it checks no signature
  curl -sS --fail-with-body -X POST "$endpoint/" -H "Content-Type: application/x-amz-json-1.0" \
    -H "X-Amz-Target: DynamoDB_20120810.$1" -H "X-Amz-Date: 20260101T000000Z" \
    -H "Authorization: AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0" \
    --data "$2"
}
dynamodb CreateTable "$(sed "s|\${INDEX_TABLE}|$INDEX_TABLE|" "$repo/deploy/eks/image-index-table.json")" >/dev/null
for attempt in $(seq 100); do
  dynamodb DescribeTable "{\"TableName\":\"$INDEX_TABLE\"}" | grep -q '"TableStatus":"ACTIVE"' && break
  [ "$attempt" = 100 ] && die "table $INDEX_TABLE not ACTIVE after 10 s"
  sleep 0.1
done
log "queues $REQUEST_QUEUE (dead letters → $DEAD_LETTER_QUEUE after $MAX_RECEIVE_COUNT receives), buckets $INPUT_BUCKET (ObjectCreated events → $REQUEST_QUEUE), $RESULT_BUCKET, $MODEL_BUCKET; table $INDEX_TABLE; model uploaded"

# --- services --------------------------------------------------------------------------------------
services_endpoint=${SERVICES_ENDPOINT:-$endpoint}
[ "$services_endpoint" = "$endpoint" ] || log "services reach SQS/S3 through $services_endpoint"
# Workers inherit the operator's environment: they receive jobs with this visibility timeout.
export Worker__VisibilityTimeoutSeconds="$VISIBILITY_TIMEOUT"
export Aws__ServiceUrl="$services_endpoint" Aws__Region=us-east-1 Aws__AccessKeyId=local Aws__SecretAccessKey=local
export Queue__RequestQueue="$REQUEST_QUEUE" Storage__InputBucket="$INPUT_BUCKET" Storage__ResultBucket="$RESULT_BUCKET" Index__TableName="$INDEX_TABLE"
export DOTNET_NOLOGO=1 Logging__Console__FormatterName=simple
# As in the containers (the Dockerfiles): methods reach optimised code as soon as they are called often, instead of
# after 100 ms without new JIT work, which a busy service rarely has (common/ServiceRuntime.props says what it saves).
export DOTNET_TC_CallCountingDelayMs=${DOTNET_TC_CallCountingDelayMs:-0}
# Workers let a long poll in flight finish when stopped (cutting it off would strand the messages SQS
# hands it), so the poll length bounds how long Ctrl-C takes: 5 s here, 20 s (the SQS maximum) in clusters.
export Worker__WaitTimeSeconds=${RECEIVE_WAIT_SECONDS:-5}

sed -e "s|\${QUEUE_URL}|$request_queue_url|" -e "s|\${ENDPOINT}|$services_endpoint|" -e "s|\${MODEL_SHA256}|$model_sha256|" \
    -e "s|\${MIN_WORKERS}|$WORKERS|" -e "s|\${MAX_WORKERS}|$MAX_WORKERS|" "$repo/deploy/local/pool.yaml" >"$RUN_DIR/pool.yaml"
"$operator_bin" --local "$RUN_DIR/pool.yaml" --urls "http://127.0.0.1:$OPERATOR_PORT" \
  --Local:WorkerExecutable="$worker_bin" --Local:WorkerPortBase="$WORKER_METRICS_PORT" \
  --Local:LogDirectory="$RUN_DIR/logs" --Local:CacheDirectory="$RUN_DIR/models" >"$RUN_DIR/logs/operator.log" 2>&1 &
pids+=($!)
ready_urls=("http://127.0.0.1:$OPERATOR_PORT/readyz")

# Sign-in: the local OpenID provider, with the web page's client registered for any loopback port
# (RFC 8252 §7.3) and the password grant on for curl and the tests. Local only: any user name signs in.
issuer="http://127.0.0.1:$IDENTITY_PORT"
if [ "$AUTH" = oidc ]; then
  Identity__Clients__0__ClientId=$CLIENT_ID Identity__Clients__0__RedirectUris__0=http://127.0.0.1/ \
  Identity__Clients__0__RedirectUris__1=http://localhost/ Identity__AllowPasswordGrant=true \
    "$identity_bin" --urls "$issuer" >"$RUN_DIR/logs/identity.log" 2>&1 &
  pids+=($!)
  ready_urls+=("$issuer/healthz")
  export Auth__Mode=Oidc Auth__Authority="$issuer" Auth__Audience=$CLIENT_ID Auth__ClientId=$CLIENT_ID Auth__RequireHttpsMetadata=false
  # The page talks to the provider (discovery, token exchange): its origin joins the page's connect-src.
  export WebPage__ConnectSources__0="$issuer"
else
  export Auth__Mode=None
fi
# The classic course harness posts to / without a token; its images belong to 'course-harness'.
# The page's pool panel (GET /v1/pool) shows the operator's view of the pool.
CourseHarness__Enabled=true "$webtier_bin" --urls "http://127.0.0.1:$PORT" --Pool:StatusUrl="http://127.0.0.1:$OPERATOR_PORT/status" \
  >"$RUN_DIR/logs/webtier.log" 2>&1 &
pids+=($!)
ready_urls+=("http://127.0.0.1:$PORT/readyz")

for url in "${ready_urls[@]}"; do
  for attempt in $(seq 300); do
    curl -sf -o /dev/null "$url" && break
    for pid in "${pids[@]}"; do
      kill -0 "$pid" 2>/dev/null || die "a process exited during start-up; see $RUN_DIR/logs/"
    done
    [ "$attempt" = 300 ] && die "$url not ready after 30 s; see $RUN_DIR/logs/"
    sleep 0.1
  done
done
# The operator starts the minimum number of workers; wait until they are ready.
for attempt in $(seq 600); do
  ready=$(curl -sf "http://127.0.0.1:$OPERATOR_PORT/status" | sed -n 's/.*"readyReplicas":\([0-9]*\).*/\1/p')
  [ "${ready:-0}" -ge "$WORKERS" ] && break
  [ "$attempt" = 600 ] && die "$WORKERS workers not ready after 60 s; see $RUN_DIR/logs/"
  sleep 0.1
done

image="$SHARED_DIR/testdata/images/img_00.jpg"
if [ "$AUTH" = oidc ]; then
  sign_in="  sign-in       $issuer (local OpenID provider: any user name, no password)
  token         TOKEN=\$(curl -s -d grant_type=password -d client_id=$CLIENT_ID -d username=alice $issuer/token | sed 's/.*\"access_token\":\"\([^\"]*\)\".*/\\1/')
  try           curl -H \"Authorization: Bearer \$TOKEN\" -F image=@$image 'http://127.0.0.1:$PORT/v1/images?wait=10'"
else
  sign_in="  sign-in       off (AUTH=none): every request is the user 'anonymous'
  try           curl -F image=@$image 'http://127.0.0.1:$PORT/v1/images?wait=10'"
fi
cat <<EOF
ImageRec.K8s is running (logs in $RUN_DIR/logs):
  web page      http://127.0.0.1:$PORT/   (upload photos, see their labels, the pool's replicas and queue)
  web tier      http://127.0.0.1:$PORT/v1/images (POST, GET /{id}), /v1/pool; POST / with inputFile
  operator      http://127.0.0.1:$OPERATOR_PORT/status (pool, replicas, queue depth), /metrics
  workers       $WORKERS..$MAX_WORKERS, scaled on queue depth; /metrics on ports $WORKER_METRICS_PORT and up
  metrics       http://127.0.0.1:$PORT/metrics
  SQS/S3/DynamoDB $endpoint$([ "$services_endpoint" = "$endpoint" ] || echo " (services use $services_endpoint)")
$sign_in
  harness       curl -F inputFile=@$image http://127.0.0.1:$PORT/   (no token)
Press Ctrl-C to stop.
ready
EOF

# Run until interrupted, or until one of the processes dies (then stop the rest).
wait -n "${pids[@]}" || true
die "a process exited unexpectedly; see $RUN_DIR/logs/"
