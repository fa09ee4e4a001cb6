#!/usr/bin/env bash
# Builds the HMM Lab CUDA microbenchmarks and runs them all, inside 5 minutes, writing to OUT:
#   copy.json              copy bandwidth versus size, pinned and pageable (hmmlab-copy-bw)
#   ondemand-managed.json  faults on managed memory (hmmlab-ondemand --memory managed)
#   ondemand-system.json   the same over malloc memory, HMM itself (--memory system); "skipped" where the device
#                          does not report cudaDevAttrPageableMemoryAccess
#   machine.txt            the machine: nvidia-smi, uname, CPU, the nvidia_uvm parameters
#   run.log                what ran, how long each step took, and how each ended
# Then: ./hmmlab calibrate --measured OUT/copy.json --measured OUT/ondemand-managed.json ...
#
#   calibrate/cuda/run.sh OUT [--dry-run]
# --dry-run builds and runs every program with --dry-run: no GPU is touched, each writes its document's skeleton.
# Run from anywhere; on the device machine: bash calibrate/cuda/run.sh "$OUT" (6 files, one folder: what comes back).
# Each program has its own time limit (copy 40 s, each on-demand run 90 s; the build 40 s), so the whole run ends
# within 4 min 40 s (5 s of grace each) even if a GPU hangs; a program stopped at its limit leaves its results so far, marked incomplete.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: calibrate/cuda/run.sh OUT [--dry-run]}"
dry=()
[[ "${2:-}" == "--dry-run" ]] && dry=(--dry-run)
mkdir -p "$out"
log="$out/run.log"
: > "$log"
say() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$log" >&2; }

if [[ -n "${HMMLAB_CUDA_BUILD:-}" ]]; then
  build="$HMMLAB_CUDA_BUILD"
else
  build="$(mktemp -d)"
  trap 'rm -rf "$build"' EXIT
fi
arch="${NVCC_ARCH:-}"
if [[ -z "$arch" ]]; then
  if [[ ${#dry[@]} -eq 0 ]] && timeout 10 nvidia-smi -L >/dev/null 2>&1; then arch=native; else arch=sm_90; fi
fi
say "build into $build for $arch"
# 40 s for the build on the GPU machine (it takes seconds there); a dry run, on a busy build machine, may take longer
build_limit=40
[[ ${#dry[@]} -gt 0 ]] && build_limit=170
if ! NVCC_ARCH="$arch" timeout -k 5 "$build_limit" "$here/build.sh" "$build" >>"$log" 2>&1; then
  say "build failed (see above)"
  exit 1
fi

{
  echo "# machine description, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "## uname -a"; uname -a
  echo "## CPU"; grep -m1 'model name' /proc/cpuinfo; echo "cores: $(nproc)"
  echo "## memory"; grep -E 'MemTotal' /proc/meminfo
  echo "## nvidia-smi"; timeout 10 nvidia-smi 2>&1 || echo "nvidia-smi: not available"
  echo "## nvidia-smi -q (PCIe)"; timeout 10 nvidia-smi -q 2>&1 | grep -A12 -E '^ *PCI$|GPU Link Info' | head -40 || true
  echo "## /proc/driver/nvidia/version"; cat /proc/driver/nvidia/version 2>&1 || true
  echo "## nvidia_uvm parameters"
  for f in /sys/module/nvidia_uvm/parameters/*; do [[ -r "$f" ]] && echo "$(basename "$f")=$(cat "$f")"; done 2>/dev/null
} > "$out/machine.txt" 2>&1

status=0
step() {  # step NAME LIMIT_S PROGRAM ARGS...
  local name="$1" limit="$2"; shift 2
  local t0 rc
  t0=$(date +%s)
  say "$name: start (limit ${limit} s)"
  timeout -k 5 "$limit" "$@" "${dry[@]}" --out "$out/$name.json" >>"$log" 2>&1
  rc=$?
  case $rc in
    0) say "$name: done in $(( $(date +%s) - t0 )) s" ;;
    124|137) say "$name: stopped at its ${limit} s limit; $name.json holds what it measured before"; status=1 ;;
    *) say "$name: exit status $rc after $(( $(date +%s) - t0 )) s (its JSON says why in \"error\")"; status=1 ;;
  esac
}
step copy 40 "$build/hmmlab-copy-bw"
# HMMLAB_TOUCH_ORDER="0,16,8,24" adds a touch order of your own to the on-demand runs
order=()
[[ -n "${HMMLAB_TOUCH_ORDER:-}" ]] && order=(--order "$HMMLAB_TOUCH_ORDER")
step ondemand-managed 90 "$build/hmmlab-ondemand" --memory managed "${order[@]}"
step ondemand-system 90 "$build/hmmlab-ondemand" --memory system "${order[@]}"
say "finished with status $status; files in $out"
exit $status
