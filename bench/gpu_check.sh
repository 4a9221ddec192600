#!/usr/bin/env bash
# One prepared run of the GPU path on a CUDA machine (the lent device), in stages, the most wanted first, so that a
# 10-minute call that ends early still brings back the answers that matter:
#   speed   where a training step's time goes: nanoGPT's loop, the engine, the engine on CUDA graphs, the engine
#           without biases (bench/step_speed.py, about 3 minutes: it decides issue 18's default)
#   ttl     time to nanoGPT's validation loss with its GPU recipe, the engine as it is and on CUDA graphs
#   tests   the GPU-marked tests and the core tests on a CUDA host
#   bench   inference on CUDA beside the CPU, the training engine beside a plain PyTorch loop, and the Why GPUs
#           page's reference run (copy why_gpus_reference.json to assets/ to ship it)
#   recipe  the built-in recipe on the GPU, timed (README: 109 s on an H200)
# Usage: bash bench/gpu_check.sh [OUTDIR] [STAGE ...]   (default: every stage, in that order). Needs torch with CUDA,
# safetensors, tokenizers, plotly, babel, pytest; on the lent H200 carry plotly and babel as wheels, and
# bench/data/tinyshakespeare.txt for the ttl stage.
set -uo pipefail
out=${1:-${OUT:-/tmp/gpu_check}}
shift || true
stages=${*:-speed ttl tests bench recipe}
mkdir -p "$out"
export PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH} PYTHONUNBUFFERED=1
py=${PYTHON:-python3}
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv | tee "$out/gpu.txt"
for stage in $stages; do
  echo "== $stage $(date +%T)"
  case $stage in
  speed)
    $py -m bench.step_speed --recipe gpu | tee "$out/step_speed_gpu.json" ;;
  ttl)
    steps=${TTL_STEPS:-2000}
    $py -m bench.time_to_loss --recipe gpu --steps "$steps" --eval-every 250 \
      --picture "$out/time_to_loss_gpu.png" | tee "$out/time_to_loss_gpu.json"
    $py -m bench.time_to_loss --recipe gpu --steps "$steps" --eval-every 250 --compile-mode reduce-overhead \
      | tee "$out/time_to_loss_gpu_graphs.json" ;;
  tests)  # tests that need streamlit (the app) are left out: the GPU path is all in explainer/
    $py -m pytest -q -p no:cacheprovider -m "gpu or not e2e" tests/test_gpu.py tests/test_model.py \
      tests/test_training.py tests/test_scale.py tests/test_parallel_bench.py tests/test_nudge.py 2>&1 \
      | tee "$out/tests.txt" ;;
  bench)
    for dev in cuda cpu; do
      $py -m explainer bench --device "$dev" --json | tee "$out/bench_$dev.json"
    done
    $py -m explainer bench --training --quick --json | tee "$out/bench_training.json"
    $py -m bench.why_gpus_reference --out "$out/why_gpus_reference.json" 2>&1 | tee "$out/parallel.txt" ;;
  recipe)
    $py -m explainer train --preset builtin --seed 3 --device cuda --out /tmp/builtin_gpu 2>&1 \
      | tee "$out/builtin_gpu.txt" ;;
  *) echo "unknown stage $stage: speed ttl tests bench recipe" >&2 ;;
  esac
done
