# ImageRec.K8s — the two commands a newcomer needs are `make run` and `make test`.
# Both install what they need first (`make deps`), so they work on a fresh machine.

CONFIGURATION ?= Release
DOTNET        ?= dotnet
SHARED_DIR    ?= $(abspath ../shared)
DIR           ?= $(SHARED_DIR)/testdata/images
REPEAT        ?= 20
ROUNDS        ?= 5

export SHARED_DIR DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

.PHONY: help deps build run test chaos classify bench-e2e bench-autoscale bench-index crds clean images e2e-k3s chart-lint bench load bad-input-doc cost

help:
	@echo "make run       start the local stack (emulator, workers, web tier on :$${PORT:-8080})"
	@echo "make test      run every test"
	@echo "make chaos     only the chaos tests (worker kill -9, SQS/S3 faults, web tier restarts) and their figures"
	@echo "make classify  DIR=folder [REPEAT=n]: offline throughput vs ONNX Runtime alone"
	@echo "make bench-e2e latency figures of the local stack (sync uploads, course-harness run)"
	@echo "make cost      CPU ms per job of each component under a course-harness load (cold and warm), beside the pipeline's"
	@echo "               core time per image; throughput against classify's, mean latency, async uploads, idle CPU"
	@echo "make bench-index  listing latency of the image index at 100/10,000/100,000 images vs the old S3 listing [URL=...]"
	@echo "make deps      install decoders, the emulator, Helm, the browser test's tools (idempotent)"
	@echo "make build     build everything ($(CONFIGURATION))"

deps:
	@bash eng/deps.sh

build: deps
	$(DOTNET) build ImageRec.K8s.sln -c $(CONFIGURATION) -nologo -clp:ErrorsOnly

run: build
	@bash eng/run-local.sh

# TEST_RESULTS holds the TRX file that .ci/run counts.
TEST_RESULTS ?= $(CURDIR)/artifacts/test-results
test: build
	rm -rf $(TEST_RESULTS)
	$(DOTNET) test ImageRec.K8s.sln -c $(CONFIGURATION) --no-build -nologo \
	  --logger "trx;LogFileName=results.trx" --logger "console;verbosity=normal" \
	  --results-directory $(TEST_RESULTS) $(if $(FILTER),--filter "$(FILTER)")

# The chaos tests (tests/Chaos) on stacks of their own: a worker killed mid-load, SQS/S3 faults through a
# proxy, web tier restarts. Each writes its figures (jobs lost/duplicated, redelivered, recovery and drain
# seconds) to $(CHAOS_RESULTS)/<scenario>.json; they are printed at the end, one line per scenario.
CHAOS_RESULTS := $(CURDIR)/artifacts/chaos
chaos: build
	rm -rf $(CHAOS_RESULTS)
	$(DOTNET) test tests/ImageRec.Tests.csproj -c $(CONFIGURATION) --no-build -nologo \
	  --logger "console;verbosity=normal" --filter "FullyQualifiedName~ImageRec.Tests.Chaos"; \
	  status=$$?; for f in $(CHAOS_RESULTS)/*.json; do [ -f "$$f" ] && tr -s ' \n' ' ' <"$$f" && echo; done; exit $$status

classify: build
	worker/bin/$(CONFIGURATION)/net10.0/imagerec-worker classify --baseline --breakdown --rounds $(ROUNDS) --repeat $(REPEAT) $(DIR)

clean:
	$(DOTNET) clean ImageRec.K8s.sln -c $(CONFIGURATION) -nologo -v q
	rm -rf artifacts .run

# Latency of the local stack: sequential synchronous uploads and the course-harness scenario.
bench-e2e: build
	@bash eng/bench-e2e.sh

# The CRD is generated from operator/Entities into crds/ and copied into the chart; tests fail
# when either copy is stale.
crds: build
	operator/bin/$(CONFIGURATION)/net10.0/imagerec-operator crds crds
	cp crds/recognitionpools.imagerec.io.yaml charts/image-recognition/crds/

# docs/bad-input.md's table is generated from tests/BadInput/BadInputCases.cs; a test fails when it is stale.
bad-input-doc: build
	UPDATE_BAD_INPUT_DOC=1 $(DOTNET) test tests/ImageRec.Tests.csproj -c $(CONFIGURATION) --no-build -nologo \
	  --filter "FullyQualifiedName~BadInputDocTests"

# Operator reaction: burst → scale-out time, drained → back-to-minimum time (local mode).
bench-autoscale: build
	@bash eng/bench-autoscale.sh

# Image index (issue #12): p50/p99 of a page of 50 of one owner's images and of a rare-label page, from dynalite at
# 100, 10,000 and 100,000 images and from the S3 listing used before the index at 100 and 10,000, then the p99
# ratio across sizes (goal <= 2). Starts its own emulator (dynalite on LevelDB in a temp folder) unless URL is set;
# about 6 minutes on 2 cores. Options: BENCH_INDEX_ARGS="--sizes 100,1000 --pages 200 ..." (--help lists them).
BENCH_INDEX_ARGS ?=
bench-index: build
	URL=$(URL) bench/ImageRec.IndexBench/bin/$(CONFIGURATION)/net10.0/imagerec-bench-index $(BENCH_INDEX_ARGS)

# Container images (needs a Docker engine). IMAGE_REGISTRY/IMAGE_TAG name them, e.g. an ECR registry.
IMAGE_REGISTRY ?= imagerec
IMAGE_TAG      ?= dev
images:
	@docker info >/dev/null 2>&1 || { echo "make images: no Docker engine reachable (docker info failed)"; exit 1; }
	docker build -f webtier/Dockerfile    -t $(IMAGE_REGISTRY)/webtier:$(IMAGE_TAG) .
	docker build -f operator/Dockerfile   -t $(IMAGE_REGISTRY)/operator:$(IMAGE_TAG) .
	docker build -f worker/Dockerfile     -t $(IMAGE_REGISTRY)/worker:$(IMAGE_TAG) .
	docker build -f worker/Dockerfile.gpu -t $(IMAGE_REGISTRY)/worker-gpu:$(IMAGE_TAG) .

# The whole system on a throwaway k3s cluster (Testcontainers.K3s) with an in-cluster SQS/S3 emulator:
# tests/Chart/K3sEndToEndTests.cs, which runs eng/e2e-chart.sh. Needs a Docker engine; skipped without one.
e2e-k3s: build
	$(DOTNET) test tests/ImageRec.Tests.csproj -c $(CONFIGURATION) --no-build -nologo \
	  --logger "console;verbosity=normal" --filter "FullyQualifiedName~ImageRec.Tests.Chart.K3sEndToEndTests"

# helm lint --strict and helm template with Helm 3 and Helm 4 over every values file of the chart.
CHART := charts/image-recognition
chart-lint: deps
	@set -e; for helm in .deps/helm3/helm .deps/helm4/helm; do \
	  for values in "" $(CHART)/ci/*-values.yaml $(CHART)/examples/*.yaml; do \
	    $$helm lint --strict $(CHART) $${values:+-f $$values} >/dev/null; \
	    $$helm template imagerec $(CHART) $${values:+-f $$values} >/dev/null; \
	    echo "ok  $$($$helm version --short)  $${values:-default values}"; \
	  done; done

# BenchmarkDotNet micro-benchmarks (bench/ImageRec.Benchmarks): decode, preprocess, inference, scaling.
# The default (every bench, short job) takes a few minutes on 2 cores; override, e.g.
#   make bench BENCH_ARGS="--filter '*Preprocess*'"      or      make bench BENCH_ARGS="--list flat"
# Reports (markdown, csv, html) go to $(BENCH_ARTIFACTS)/results.
BENCH_ARGS      ?= --filter '*' --job short
BENCH_ARTIFACTS ?= $(CURDIR)/artifacts/bench
bench: deps
	$(DOTNET) run -c Release --project bench/ImageRec.Benchmarks -- --artifacts $(BENCH_ARTIFACTS) $(BENCH_ARGS)

# What a job costs each component in CPU time (the stack under a course-harness load, /proc per process) beside the
# offline pipeline's core time per image on the same photos, then the same stack idle (% of a core); last line
# `cost jobs=.. worker_ms=.. pipeline_ms=.. harness_vs_classify=.. mean_ms=.. operator_idle_pct=.. worker_idle_pct=..`.
cost: build
	@bash eng/cost.sh

# Load generator runs: the course-harness scenario (100 then 1000 images at concurrency 100) and a v1
# run, against URL or the local stack started on free ports; histograms in artifacts/load/.
load: build
	@URL=$(URL) bash eng/load.sh
