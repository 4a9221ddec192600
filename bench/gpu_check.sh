#!/usr/bin/env bash
# One prepared run of the GPU path on a CUDA machine (the lent device): the GPU-marked
# tests, the benchmark on CUDA beside the CPU, and the built-in preset trained on CUDA (bf16).
# Usage: bash bench/gpu_check.sh [OUTDIR]
set -uo pipefail
out=${1:-${OUT:-/tmp/gpu_check}}
mkdir -p "$out"
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1
py=${PYTHON:-python3}
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv | tee "$out/gpu.txt"
$py -m pytest -q -p no:cacheprovider tests/test_gpu.py tests/test_model.py tests/test_training.py 2>&1 | tee "$out/tests.txt"
for dev in cuda cpu; do
  $py -m explainer bench --device "$dev" --json | tee "$out/bench_$dev.json"
done
$py -m explainer train --preset builtin --out /tmp/builtin_gpu --device cuda 2>&1 | tee "$out/train_cuda.txt"
$py -m explainer eval --model /tmp/builtin_gpu --device cuda 2>&1 | tee "$out/eval_cuda.txt"
