#!/usr/bin/env bash
# Builds the HMM Lab CUDA microbenchmarks into DIR (default: calibrate/cuda/build), both programs at once.
#   calibrate/cuda/build.sh [DIR]
# NVCC (default: nvcc on PATH, else /usr/local/bin/nvcc) and NVCC_ARCH (default sm_90, the H100/H200's; "native"
# builds for the GPU in this machine) choose the compiler and the target.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/build}"
nvcc="${NVCC:-$(command -v nvcc || { [[ -x /usr/local/bin/nvcc ]] && echo /usr/local/bin/nvcc; } || echo /usr/local/cuda/bin/nvcc)}"
[[ -x "$nvcc" ]] || { echo "build.sh: nvcc not found (looked on PATH and at /usr/local/bin/nvcc; set NVCC)" >&2; exit 127; }
arch="${NVCC_ARCH:-sm_90}"
mkdir -p "$out"
flags=(-O2 -std=c++17 "-arch=$arch" -Xcompiler -Wall,-Wextra -Werror all-warnings)
pids=()
for prog in copy_bw:hmmlab-copy-bw ondemand:hmmlab-ondemand; do
  "$nvcc" "${flags[@]}" -o "$out/${prog#*:}" "$here/${prog%%:*}.cu" & pids+=($!)
done
status=0
for p in "${pids[@]}"; do wait "$p" || status=1; done
[[ $status -eq 0 ]] || { echo "build.sh: nvcc failed (see above)" >&2; exit 1; }
echo "build.sh: built $out/hmmlab-copy-bw and $out/hmmlab-ondemand with $("$nvcc" --version | tail -1) for $arch" >&2
