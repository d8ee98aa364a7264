#!/usr/bin/env bash
# GPU figures of the worker in a few minutes of a lent GPU machine: `imagerec-worker classify` on ONNX Runtime's CUDA
# execution provider at batch 1, 8, 32 and 64, then on the CPU, one img/s line each (the pipeline: decode +
# model; and the model alone). Written for a lent GPU machine, which has no .NET, no NuGet and no network,
# and sees only this repository's working tree (not ../shared). So everything travels as a bundle built
# here: the GPU-flavour worker (-p:OnnxRuntimeFlavor=Gpu, whose CUDA provider library alone is 289 MB), the
# .NET runtime it needs, the image decoders, the model and the test images, xz-compressed and cut into
# parts small enough to carry (a call carries at most 64 MiB, working tree included).
#
#   here:    eng/gpu-check.sh pack                    # publishes, bundles, splits into .gpu-check/part-NN
#   device:  eng/gpu-check.sh stash                   # moves the carried parts to /var/tmp/imagerec-gpu-check
#            eng/gpu-check.sh run                     # unpacks the stashed parts, checks, measures
#   here:    eng/gpu-check.sh run --cpu-only          # the CPU half, with this checkout's build and ../shared
#
# The device calls (run tool), one per part, back to back so the machine stays warm (it is given back
# 30 s after a call), from the checkout the session calls from; `pack` prints them with the real part names:
#   run(command="bash eng/gpu-check.sh stash", carry=[".gpu-check/part-00"], timeout_s=120)
#   ... the same for each further part but the last ...
#   run(command="bash eng/gpu-check.sh stash && GPU_CHECK_PARTS=N bash eng/gpu-check.sh run", carry=[".gpu-check/part-NN"], timeout_s=480)
# (N: how many parts; `run` refuses an incomplete set, e.g. when the machine went back between calls).
# .gpu-check/ is git-ignored: carry takes ignored paths only.
# Environment: REPEAT (default 20: 600 images per figure), ROUNDS (3, medians), LANES (default: cores).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
stash=/var/tmp/imagerec-gpu-check
# 60 MiB parts leave 4 MiB of a call's 64 MiB for the working tree (about 2 MB of tracked files).
part_size=$((60 * 1024 * 1024))

die() { echo "gpu-check: $*" >&2; exit 2; }

pack() {
  command -v dotnet >/dev/null || die "pack needs the .NET SDK (dotnet); run it where the project builds"
  local shared=${SHARED_DIR:-$repo/../shared} out="$repo/.gpu-check"
  [ -f "$shared/models/mobilenetv2-12-int8.onnx" ] || die "model missing: $shared/models/mobilenetv2-12-int8.onnx (set SHARED_DIR)"
  stage=$(mktemp -d) # global: the EXIT trap runs after this function returns
  trap 'rm -rf "$stage"' EXIT
  echo "gpu-check: publishing the GPU-flavour worker (Microsoft.ML.OnnxRuntime.Gpu.Linux)"
  # Its own artifacts path, so the CPU build's obj/ (restored for the CPU package) is left alone.
  dotnet publish "$repo/worker/ImageRec.Worker.csproj" -c Release -p:OnnxRuntimeFlavor=Gpu \
    --artifacts-path "$stage/artifacts" -o "$stage/b/worker" -nologo -clp:ErrorsOnly >&2
  rm -f "$stage/b/worker/libonnxruntime_providers_tensorrt.so" # no TensorRT on the device
  local root; root=$(dirname "$(readlink -f "$(command -v dotnet)")")
  mkdir -p "$stage/b/dotnet/shared" "$stage/b/lib" "$stage/b/models" "$stage/b/images"
  cp -a "$root/dotnet" "$root/host" "$stage/b/dotnet/"
  cp -a "$root/shared/Microsoft.NETCore.App" "$root/shared/Microsoft.AspNetCore.App" "$stage/b/dotnet/shared/"
  for lib in libturbojpeg.so.0 libpng16.so.16 libwebp.so.7; do
    cp -L "$(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64/ { print $NF; exit }')" "$stage/b/lib/$lib" || die "$lib not found (make deps)"
  done
  cp "$shared/models/mobilenetv2-12-int8.onnx" "$shared/models/imagenet_classes.txt" "$stage/b/models/"
  cp "$shared/testdata/images/"*.jpg "$stage/b/images/"
  echo "gpu-check: compressing $(du -sh "$stage/b" | cut -f1) (xz, a few minutes)"
  rm -rf "$out" && mkdir -p "$out"
  tar -C "$stage/b" -cf - . | xz -T0 -6 | split -b "$part_size" -d - "$out/part-"
  local parts=("$out"/part-*) last
  last=$(basename "${parts[-1]}")
  echo "gpu-check: ${#parts[@]} parts in .gpu-check/ ($(du -ch "${parts[@]}" | tail -1 | cut -f1)); device calls, back to back:"
  for p in "${parts[@]}"; do
    p=$(basename "$p")
    if [ "$p" = "$last" ]; then
      echo "  run(command=\"bash eng/gpu-check.sh stash && GPU_CHECK_PARTS=${#parts[@]} bash eng/gpu-check.sh run\", carry=[\".gpu-check/$p\"], timeout_s=480)"
    else
      echo "  run(command=\"bash eng/gpu-check.sh stash\", carry=[\".gpu-check/$p\"], timeout_s=120)"
    fi
  done
}

stash_parts() {
  mkdir -p "$stash"
  compgen -G "$repo/.gpu-check/part-*" >/dev/null || die "no .gpu-check/part-* carried in this call"
  mv "$repo"/.gpu-check/part-* "$stash/"
  echo "gpu-check: stashed $(ls "$stash" | grep -c '^part-') part(s) in $stash"
}

# Libraries the CUDA execution provider loads (the driver's libcuda, CUDA 13, cuDNN 9): from the system, the
# driver's and CUDA's folders, or the nvidia-* Python wheels (the device image has them beside PyTorch).
cuda_libraries() {
  local dirs=() missing=() lib found d
  for d in /usr/local/nvidia/lib64 /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib; do [ -d "$d" ] && dirs+=("$d"); done
  if command -v python3 >/dev/null; then
    while IFS= read -r d; do dirs+=("$d"); done < <(python3 - <<'PY' 2>/dev/null
import glob, os, site
for base in site.getsitepackages() + [site.getusersitepackages()]:
    for d in sorted(glob.glob(os.path.join(base, "nvidia", "*", "lib"))):  # nvidia/cu13/lib, nvidia/cudnn/lib, ...
        print(d)
PY
)
  fi
  for lib in libcuda.so.1 libcudart.so.13 libcublas.so.13 libcublasLt.so.13 libcurand.so.10 libcudnn.so.9; do
    found=
    ldconfig -p | grep -q "[[:space:]]$lib " && found=system
    for d in "${dirs[@]}"; do [ -z "$found" ] && [ -e "$d/$lib" ] && found=$d; done
    [ -n "$found" ] || missing+=("$lib")
  done
  [ ${#missing[@]} -eq 0 ] || die "CUDA libraries missing (ONNX Runtime 1.32's CUDA provider needs CUDA 13 and cuDNN 9): ${missing[*]}; looked in ldconfig and ${dirs[*]:-no other folder}"
  cuda_path=$(IFS=:; echo "${dirs[*]}")
}

# classify_figures LABEL ARGS...: one line of img/s from classify's summary line; classify's exit code
# on failure (3: CUDA unavailable).
classify_figures() {
  local label=$1; shift
  local log code=0; log=$(mktemp)
  "${worker[@]}" classify --baseline --rounds "$rounds" --repeat "$repeat" --lanes "$lanes" \
      --model "$models/mobilenetv2-12-int8.onnx" --labels "$models/imagenet_classes.txt" "$@" "$images" >"$log" 2>&1 || code=$?
  if [ $code -ne 0 ]; then
    echo "gpu-check: $label failed (exit $code):" >&2; tail -20 "$log" >&2; rm -f "$log"; return $code
  fi
  # ONNX Runtime warns when nodes run on the CPU instead (int8 QLinear operators have no CUDA kernels).
  grep -o 'Some nodes were not assigned to the preferred execution providers[^.]*' "$log" | head -1 | sed "s/^/gpu-check: $label: /" >&2 || true
  tail -1 "$log" | awk -v label="$label" '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    printf "%-16s pipeline %8s img/s   model alone %8s img/s   (%s images)\n", label, f["images_per_second"], f["baseline_images_per_second"], f["images"] }'
  rm -f "$log"
}

run_check() {
  local cpu_only=${1:-}
  repeat=${REPEAT:-20}; rounds=${ROUNDS:-3}; lanes=${LANES:-$(nproc)}
  if [ "$cpu_only" = --cpu-only ]; then
    # This checkout's CPU build and ../shared: the same measurements, without the bundle.
    local shared=${SHARED_DIR:-$repo/../shared}
    worker=("$repo/worker/bin/Release/net10.0/imagerec-worker")
    [ -x "${worker[0]}" ] || die "${worker[0]} missing: make build"
    models=$shared/models; images=$shared/testdata/images
  else
    command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader \
      | sed 's/^/gpu-check: GPU /' || die "no nvidia-smi: this machine has no NVIDIA GPU driver"
    local bundle=$stash/bundle
    if [ ! -d "$bundle" ]; then
      compgen -G "$stash/part-*" >/dev/null || die "no bundle: run 'eng/gpu-check.sh pack' here, carry its parts and 'stash' each (see this script's header)"
      local have; have=$(ls "$stash" | grep -c '^part-')
      [ -z "${GPU_CHECK_PARTS:-}" ] || [ "$have" = "$GPU_CHECK_PARTS" ] \
        || die "$have of $GPU_CHECK_PARTS parts stashed: was the machine given back between calls? Carry them again, back to back"
      mkdir -p "$bundle"
      if command -v xz >/dev/null; then cat "$stash"/part-* | xz -d | tar -C "$bundle" -xf -
      else cat "$stash"/part-* | python3 -c 'import lzma, sys; sys.stdout.buffer.write(lzma.decompress(sys.stdin.buffer.read()))' | tar -C "$bundle" -xf -
      fi
    fi
    [ -x "$bundle/dotnet/dotnet" ] || die "the bundle has no .NET runtime (dotnet/dotnet): pack it again"
    [ -f "$bundle/worker/libonnxruntime_providers_cuda.so" ] || die "the bundle's worker is not the GPU flavour (no libonnxruntime_providers_cuda.so)"
    cuda_libraries
    export LD_LIBRARY_PATH="$bundle/lib:$cuda_path${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    export DOTNET_ROOT="$bundle/dotnet"
    worker=("$bundle/dotnet/dotnet" "$bundle/worker/imagerec-worker.dll")
    models=$bundle/models; images=$bundle/images
  fi
  export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
  echo "gpu-check: $(nproc) cores, lanes $lanes, $rounds rounds of $(($(ls "$images"/*.jpg | wc -l) * repeat)) images (medians)"
  local status=0 batch code
  if [ "$cpu_only" != --cpu-only ]; then
    for batch in 1 8 32 64; do
      classify_figures "cuda batch $batch" --cuda --batch "$batch" && continue
      code=$?; status=1
      [ $code -ne 3 ] || { echo "gpu-check: CUDA unavailable (above); skipping the other batch sizes" >&2; break; }
    done
  fi
  classify_figures "cpu batch 8" --batch 8 || status=1
  return $status
}

case "${1:-}" in
  pack) pack ;;
  stash) stash_parts ;;
  run) run_check "${2:-}" ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed '$d' >&2; exit 2 ;;
esac
