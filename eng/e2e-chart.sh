#!/usr/bin/env bash
# The whole system on the throwaway cluster at $KUBECONFIG: the AWS emulator in the cluster (eng/emulator/server.mjs:
# fauxqs for SQS/S3 and dynalite for DynamoDB on node:22, from a ConfigMap) with the image index table, the chart installed with our images (already present in the cluster, tag $IMAGE_TAG), a
# RecognitionPool applied, its workers ready, one upload classified by `helm test`. The cluster is made,
# fed the images and thrown away by tests/Chart/K3sEndToEndTests.cs (Testcontainers.K3s), which runs this;
# `make e2e-k3s` runs that test. Needs kubectl; Helm comes from .deps (make deps).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
ns=imagerec
tag=${IMAGE_TAG:-e2e}
helm=.deps/helm4/helm
model=${SHARED_DIR:-$repo/../shared}/models

[ -n "${KUBECONFIG:-}" ] && [ -f "$KUBECONFIG" ] || { echo "e2e-chart: KUBECONFIG must name the kubeconfig of a throwaway cluster (tests/Chart/K3sEndToEndTests.cs makes one)" >&2; exit 2; }
command -v kubectl >/dev/null || { echo "e2e-chart: kubectl is not installed" >&2; exit 2; }
[ -x "$helm" ] || { echo "e2e-chart: $helm missing: run make deps" >&2; exit 2; }
[ -f "$model/mobilenetv2-12-int8.onnx" ] || { echo "e2e-chart: model missing in $model" >&2; exit 2; }

kubectl create namespace $ns

echo "e2e-chart: starting the AWS emulator (fauxqs, dynalite)"
kubectl -n $ns create configmap emulator --from-file=eng/emulator/server.mjs --from-file=eng/emulator/conditional-writes.mjs
kubectl -n $ns apply -f - <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: { name: emulator }
spec:
  selector: { matchLabels: { app: emulator } }
  template:
    metadata: { labels: { app: emulator } }
    spec:
      containers:
        - name: emulator
          image: node:22-slim
          workingDir: /tmp/emulator
          command: ["sh", "-c", "npm install --no-audit --no-fund fauxqs@2.4.1 dynalite@4.0.0 >/dev/null && exec node --no-warnings /emulator/server.mjs 4566"]
          env: [{ name: EMULATOR_HOST, value: 0.0.0.0 }, { name: EMULATOR_MODULES, value: /tmp/emulator/node_modules }]
          volumeMounts: [{ name: scripts, mountPath: /emulator }]
          ports: [{ containerPort: 4566 }]
          readinessProbe: { tcpSocket: { port: 4566 }, periodSeconds: 2 }
      volumes: [{ name: scripts, configMap: { name: emulator } }]
---
apiVersion: v1
kind: Service
metadata: { name: emulator }
spec: { selector: { app: emulator }, ports: [{ port: 4566 }] }
YAML
kubectl -n $ns rollout status deployment/emulator --timeout=180s

endpoint=http://emulator.$ns.svc:4566
echo "e2e-chart: creating the queue, buckets and index table, uploading the model"
kubectl -n $ns port-forward service/emulator 14566:4566 >/dev/null 2>&1 & pf=$!
trap 'kill $pf 2>/dev/null || true' EXIT
sleep 3
sqs() { curl -sf -X POST http://127.0.0.1:14566/ -H "X-Amz-Target: AmazonSQS.$1" -H 'Content-Type: application/x-amz-json-1.0' -d "$2"; }
sqs CreateQueue '{"QueueName":"imagerec-requests"}' >/dev/null
for b in imagerec-input imagerec-results imagerec-models; do curl -sf -X PUT http://127.0.0.1:14566/$b >/dev/null; done
# The table as deploy/eks creates it; dynalite wants a signed-looking request and checks no signature.
sed 's|${INDEX_TABLE}|imagerec-images|' deploy/eks/image-index-table.json | curl -sf -X POST http://127.0.0.1:14566/ \
  -H 'X-Amz-Target: DynamoDB_20120810.CreateTable' -H 'Content-Type: application/x-amz-json-1.0' -H 'X-Amz-Date: 20260101T000000Z' \
  -H 'Authorization: AWS4-HMAC-SHA256 Credential=e2e/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0' \
  --data-binary @- >/dev/null
curl -sf -X PUT --data-binary @"$model/mobilenetv2-12-int8.onnx" -H 'Content-Type: application/octet-stream' http://127.0.0.1:14566/imagerec-models/mobilenetv2-12-int8.onnx >/dev/null
curl -sf -X PUT --data-binary @"$model/imagenet_classes.txt" http://127.0.0.1:14566/imagerec-models/imagenet_classes.txt >/dev/null
kill $pf

echo "e2e-chart: installing the chart"
sha=$(sha256sum "$model/mobilenetv2-12-int8.onnx" | cut -d' ' -f1)
$helm install imagerec charts/image-recognition -n $ns --wait --timeout 5m \
  --set webtier.image.tag=$tag,operator.image.tag=$tag,samplePool.worker.image.tag=$tag \
  --set aws.serviceUrl=$endpoint,aws.emulatorCredentials=true,queue.requestQueue=$endpoint/000000000000/imagerec-requests \
  --set 'networkPolicy.extraEgress[0].ports[0].port=4566' \
  --set samplePool.enabled=true,samplePool.queue.url=$endpoint/000000000000/imagerec-requests,samplePool.model.sha256=$sha \
  --set samplePool.scaling.minReplicas=1,ingress.enabled=false

echo "e2e-chart: waiting for the pool's workers, then helm test (upload an image, expect a label)"
for _ in $(seq 60); do
  ready=$(kubectl -n $ns get rpool default -o jsonpath='{.status.readyReplicas}' 2>/dev/null || true)
  [ "${ready:-0}" -ge 1 ] && break; sleep 5
done
[ "${ready:-0}" -ge 1 ] || { echo "e2e-chart: the pool has no ready worker after 5 minutes" >&2; kubectl -n $ns get rpool,pods >&2; exit 1; }
$helm test imagerec -n $ns --logs --timeout 3m
echo "e2e-chart: passed"
