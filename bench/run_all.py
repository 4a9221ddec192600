"""Every performance figure of the project in one run: one table, and JSON (a benchmark: it measures,
it never passes or fails).

    .venv/bin/python -m bench.run_all [--quick] [--json out.json] [--load-sessions 30 --load-duration 60]
    .venv/bin/python -m bench.run_all --only load --load-sessions 30 --load-server-cpus 0,1   # >2-core machine
    make bench ARGS="--quick"

Run from the repository's root (`-m`): the benchmarks import `explainer` and the browser tests' harness
(tests/e2e/harness.py) as ordinary packages. Sections, in this order (CPU-bound ones first, before any server or
browser runs):
  machine    CPU model, cores, torch, GPU
  inference  next-token latency, generation and trainer throughput of the built-in model
             (explainer/analysis/inference.py), on the CPU and, when CUDA is present, on the GPU
  training   the training engine beside a plain PyTorch loop (explainer/training/throughput.py)
  parallel   one word at a time vs all at once (explainer/analysis/parallel.py, the Why GPUs page)
  timings    how long the app's quick measurements and refusals take (the page's machine rate, a tiny
             Why GPUs run, the Hub probe with no network, the shipped t-SNE map read from its file, What it read's
             training text, lookups and scoreboard): figures the tests leave to this script
  first      each page's first visit after the server starts (bench/first_visit.py, protocol level)
  chat       the chat's longest reply: first words, whole reply, longest pause (bench/chat_reply.py)
  protocol   students without a browser (bench/protocol_load.py): 1 student (every interaction's time on a quiet
             server), 30 and 100 students with 2 of them training (--quick: 1 and 10)
  slider     the temperature slider dragged: redraw time per frame, messages to the server (bench/slider_latency.py)
  pages      each page drawn after a navigation click, in Chromium (bench/page_render.py)
  weight     what a student's first visit downloads, gzip and not, and its time on 1 Mbit/s (a class of 30 on a
             30 Mbit/s Wi-Fi link; --quick: no throttle) (bench/page_weight.py)
  load       N students at once on one server as Chromium tabs (bench/load_test.py; default 10 for 30 s)
  poll       a class poll in Chromium tabs: the server's CPU while the class waits, the answer reaching every
             screen (bench/poll_class.py; 20 students, --quick: 5)
--only / --skip take a comma-separated list of sections. A section that fails is reported, the rest go on.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import traceback
from pathlib import Path

SECTIONS = [
    "machine", "inference", "training", "parallel", "timings", "first", "chat", "protocol", "slider", "pages", "weight",
    "load", "poll",
]  # fmt: skip


def machine() -> dict:
    import streamlit
    import torch

    cpu = next((line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo") if line.startswith("model name")),
               platform.processor() or platform.machine())  # fmt: skip
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    return {
        "cpu": cpu,
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9, 1),
        "gpu": gpu,
        "torch": torch.__version__,
        "cuda": torch.version.cuda if gpu else None,
        "python": platform.python_version(),
        "streamlit": streamlit.__version__,
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }


def _read(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


def _cuda() -> bool:
    import torch

    return torch.cuda.is_available()


def inference(quick: bool) -> dict:
    from explainer.analysis.inference import run_bench
    from explainer.backends.load import load_backend
    from explainer.model.device import serving_threads

    out = {"cpu": run_bench(load_backend("builtin", "cpu", threads=serving_threads()), quick=quick)}  # as the app
    if not quick:  # as the command line: every core
        out["cpu_all_cores"] = run_bench(load_backend("builtin", "cpu"), quick=quick)
    if _cuda():
        out["gpu"] = run_bench(load_backend("builtin", "cuda"), quick=quick)
    return out


def training(quick: bool) -> dict:
    from explainer.training.throughput import bench_training

    return bench_training(quick=quick)


def parallel(quick: bool) -> dict:
    from explainer.analysis.parallel import run_parallel_bench

    out = {}
    for dev in ["cpu"] + (["cuda"] if _cuda() else []):
        r = run_parallel_bench((8, 16, 32) if quick else (8, 16, 32, 64, 128, 256), device=dev)
        out[dev] = {"device": r.device, "lengths": r.lengths, "sequential_ms": [round(x, 2) for x in r.sequential_ms],
                    "parallel_ms": [round(x, 2) for x in r.parallel_ms],
                    "speedup_at_longest": round(r.speedups()[-1], 1)}  # fmt: skip
    return out


def timings(quick: bool) -> dict:
    """Seconds the app's own quick work takes here (each used to be a test's time limit; now a figure)."""
    import huggingface_hub.constants

    from explainer.analysis.parallel import run_parallel_bench
    from explainer.analysis.scale import measure_ops_per_second
    from explainer.training.text import load_text

    def seconds(fn) -> float:
        t0 = time.perf_counter()
        fn()
        return round(time.perf_counter() - t0, 2)

    def offline_dataset() -> None:
        endpoint, huggingface_hub.constants.ENDPOINT = huggingface_hub.constants.ENDPOINT, "http://127.0.0.1:9"
        try:
            load_text("hf", hf_id="roneneldan/TinyStories")
        except ValueError:
            pass  # "cannot be reached": the refusal is what is timed
        finally:
            huggingface_hub.constants.ENDPOINT = endpoint

    def shipped_tsne() -> None:
        from explainer.analysis.precomputed import ModelAnalyses
        from explainer.backends.load import load_backend

        ModelAnalyses(load_backend("builtin", "cpu", threads=1)).tsne(2)

    def computed_tsne() -> None:  # what a model without the file (a Hub model, a student's run) waits for, once
        from explainer.analysis.embeddings import tsne
        from explainer.analysis.precomputed import ModelAnalyses
        from explainer.backends.load import load_backend

        tsne(ModelAnalyses(load_backend("builtin", "cpu", threads=1)).map_vectors(), 2)

    def switch_off_sweep():  # the Layers page: every part and head of the shipped model switched off alone
        from explainer.analysis.switch_off import sweep
        from explainer.backends.load import load_backend
        from explainer.ui.inside import DEFAULT_PROMPT

        backend = load_backend("builtin", "cpu", threads=1)
        ids = backend.encode(DEFAULT_PROMPT.text(backend))
        sweep(backend, ids)  # (the first pass sets torch up)
        return lambda: sweep(backend, ids)

    def swap_map():  # Why this word?: every vector of the last 10 positions at every depth swapped in (France->Japan)
        from explainer.analysis.patching import patch_map
        from explainer.backends.load import load_backend
        from explainer.ui.inside import DEFAULT_PROMPT

        backend = load_backend("builtin", "cpu", threads=1)
        text = DEFAULT_PROMPT.text(backend)
        ids, other = backend.encode(text), backend.encode(text.replace("France", "Japan"))
        patch_map(backend, ids, other)
        return lambda: patch_map(backend, ids, other)

    def what_it_read() -> dict:  # the training text read and encoded, its places indexed, lookups, the scoreboard
        from explainer.analysis.lookup import training_text, who_guesses_better
        from explainer.backends.load import load_backend
        from explainer.ui.lookup import EXAMPLES

        backend = load_backend("builtin", "cpu", threads=1)
        found = {}
        read = seconds(lambda: found.setdefault("text", training_text(backend)))
        text, examples = found["text"], [backend.encode(example.text(backend)) for _name, example in EXAMPLES]
        return {
            "what_it_read_training_text_read_s": read,
            "what_it_read_places_sorted_by_token_s": seconds(lambda: text.lookup([0])),  # on the first lookup
            "what_it_read_5_examples_looked_up_100_times_s": seconds(
                lambda: [text.lookup(ids) for ids in examples for _ in range(100)]
            ),
            "what_it_read_who_guesses_better_s": seconds(lambda: who_guesses_better(backend, text)),
        }

    tiny = {"batch_size": 2, "d_model": 16, "n_layer": 1, "n_head": 2, "vocab_size": 50, "repeats": 2}
    return {
        "machine_rate_s": seconds(lambda: measure_ops_per_second(seconds=0.1, n=128)),
        "tiny_why_gpus_s": seconds(lambda: run_parallel_bench((8, 4), **tiny)),
        "hub_dataset_offline_s": seconds(offline_dataset),
        "shipped_model_tsne_map_from_its_file_s": seconds(shipped_tsne),
        "group_words_tsne_map_computed_s": seconds(computed_tsne),
        "switch_every_part_off_alone_s": seconds(switch_off_sweep()),
        "swap_every_vector_in_alone_s": seconds(swap_map()),
        **what_it_read(),
    }


def first(quick: bool) -> dict:
    from bench import first_visit

    return first_visit.run(["", "attention", "layers", "embeddings"] if quick else None, cold=not quick)


def chat(quick: bool) -> dict:
    from bench import chat_reply

    return chat_reply.run(2 if quick else 5)


def protocol(quick: bool) -> dict:
    """Students without a browser, each size on a server of its own (clean memory figures)."""
    import asyncio
    import tempfile

    from bench.protocol_load import run_load
    from tests.e2e.harness import start_server, stop

    sizes = [(1, 0, 30), (10, 2, 30)] if quick else [(1, 0, 90), (30, 2, 60), (100, 2, 60)]
    out = {}
    for students, trainers, duration in sizes:
        with tempfile.TemporaryDirectory(prefix="protocol-") as tmp:
            srv = start_server(Path(tmp) / "server.log")
            try:
                r = asyncio.run(run_load(srv.url, students=students, trainers=trainers, duration=duration,
                                         ramp=min(10.0, students / 10), think=1.0 if students == 1 else 3.0,
                                         pids=[srv.proc.pid]))  # fmt: skip
            finally:
                stop(srv.proc)
        out[f"{students} students, {trainers} training"] = r
    return out


def browser_sections(wanted: list[str], quick: bool, load_sessions: int, load_duration: float,
                     server_cpus: set[int] | None = None) -> dict:  # fmt: skip
    """The slider and page figures share one server; the load test starts its own (clean memory figures)."""
    from bench import load_test, page_render, page_weight, poll_class, slider_latency
    from tests.e2e.harness import CHROMIUM, serving

    if not Path(CHROMIUM).exists():
        return {s: {"error": f"{CHROMIUM} is missing (make e2e-deps)"} for s in wanted}
    out = {}
    if {"slider", "pages", "weight"} & set(wanted):
        with serving() as url:
            if "slider" in wanted:
                out["slider"] = _guard(lambda: slider_latency.run(60 if quick else 240, url=url))
            if "pages" in wanted:
                out["pages"] = _guard(lambda: page_render.run(1 if quick else 3, url=url))
            if "weight" in wanted:
                out["weight"] = _guard(lambda: page_weight.run(url, None if quick else 1.0))
    if "load" in wanted:
        n, d = (3, 10) if quick else (load_sessions, load_duration)
        k = min(2, n - 1)
        out["load"] = _guard(lambda: load_test.run_load_test(n, d, k, server_cpus=server_cpus))
    if "poll" in wanted:
        out["poll"] = _guard(lambda: poll_class.run(5 if quick else 20, 10 if quick else 20))
    return out


def _guard(fn) -> dict:
    try:
        return fn()
    except Exception as e:  # one broken section must not hide the others' figures
        traceback.print_exc()
        return {"error": f"{type(e).__name__}: {str(e).splitlines()[0][:300] if str(e) else ''}"}


# ---------------------------------------------------------------------------- the table


def rows(r: dict) -> list[tuple[str, str, str]]:
    """(section, what, figure) for the table."""
    out = []
    m = r.get("machine", {})
    if m:
        out.append(("machine", "CPU", f"{m['cpu']} ({m['cores']} cores, {m['memory_gb']} GB)"))
        out.append(("machine", "software", f"torch {m['torch']}, Python {m['python']}, Streamlit {m['streamlit']}"))
        out.append(("machine", "GPU", f"{m['gpu']} (CUDA {m['cuda']})" if m["gpu"] else "none"))
    for b in _ok(r, "inference").values():
        kv, full = b["generate_tokens_per_s"], b["generate_full_context_tokens_per_s"]
        out += [
            ("inference", f"next-token distribution, 64-token prompt, {b['device']}", f"{b['next_token_ms_64']} ms"),
            ("inference", f"generation, KV cache vs whole context per token, {b['device']}",
             f"{kv:,} vs {full:,} tokens/s ({kv / max(full, 1e-9):.1f}x)"),
            ("inference", f"run 20 times at T = 3, 8 / 20 words a run, {b['device']}",
             f"{b['run_20_times_t3_ms']} / {b['run_20_times_t3_20_words_ms']} ms"),
        ]  # fmt: skip
        if "train_tokens_per_s" in b:
            out.append(
                ("inference", f"trainer, built-in model, {b['device']}", f"{b['train_tokens_per_s']:,} tokens/s")
            )
    for key, t in _ok(r, "training").items():
        if "error" in t:
            out.append(("training", key, f"not measured: {t['error']}"))
            continue
        label = f"{key.replace('_', ' ')}: {t['model']}"
        figure = (f"engine {t['engine_tokens_per_s']:,} vs plain loop {t['reference_tokens_per_s']:,} tokens/s "
                  f"({t['ratio']}x)")  # fmt: skip
        out.append(("training", label, figure))
    for p in _ok(r, "parallel").values():
        figure = (
            f"{p['speedup_at_longest']}x faster all at once ({p['sequential_ms'][-1]} vs {p['parallel_ms'][-1]} ms)"
        )
        out.append(("parallel", f"{p['lengths'][-1]} tokens, {p['device']}", figure))
    for name, s in _ok(r, "timings").items():
        out.append(("timings", name.removesuffix("_s").replace("_", " "), f"{s} s"))
    first_visits = _ok(r, "first")
    for page, s in first_visits.get("first_s", {}).items():
        cold = first_visits.get("cold_s", {}).get(page)
        out.append(("first", f"{page}: first visit (after home) / as the server's first page",
                    f"{s} s" + (f" / {cold} s" if cold is not None else "")))  # fmt: skip
    c = _ok(r, "chat")
    if c:
        out.append(("chat", "fox story (60 tokens): first words / whole reply / longest pause (median)",
                    f"{c['first_words_ms']['median']} / {c['whole_reply_ms']['median']} / "
                    f"{c['longest_pause_ms']['median']} ms"))  # fmt: skip
    for size, p in _ok(r, "protocol").items():
        a = p["interactions"]
        out.append(("protocol", f"{size}: all interactions p50 / p95",
                    f"{a['p50_ms']} / {a['p95_ms']} ms (n {a['n']}), errors {p['errors']}, "
                    f"RSS peak {p['server_rss_mb']['peak']} MB"))  # fmt: skip
        for kind, k in p["actions"].items():
            out.append(("protocol", f"{size}: {kind}", f"p50 {k['p50_ms']} ms, p95 {k['p95_ms']} ms (n {k['n']})"))
    sl = _ok(r, "slider")
    if sl:
        f, w = sl["per_redraw_ms"], sl["redraw_work_ms"]
        out.append(
            ("slider", "drag: pointer move -> both charts painted", f"median {f['median']} ms, p95 {f['p95']} ms")
        )
        out.append(
            ("slider", "drag: the redraw's own work (JavaScript)", f"median {w['median']} ms, p95 {w['p95']} ms")
        )
        out.append(("slider", "drag: redraws per second (of pointer moves per s) / server messages during the drag",
                    f"{sl['redraws_per_s']} (of {sl.get('pointer_moves_per_s')}) / "
                    f"{sl['server_messages_during_drag']}"))  # fmt: skip
    for page, f in _ok(r, "pages").items():
        out.append(("pages", page, f"first {f['first_s']} s, then median {f['median_s']} s"))
    weight = _ok(r, "weight")
    link = f"{weight['mbit']:g} Mbit/s" if weight.get("mbit") else "no throttle"
    for visit, w in weight.items():
        if isinstance(w, dict):
            out.append(("weight", f"first visit, {visit}", f"{w['mb_sent']} MB, {w['seconds']} s on {link}"))
    load = _ok(r, "load")
    if load:
        head = f"{load['sessions']} sessions ({load['trainers']} training), {load['duration_s']:.0f} s"
        for kind, s in load["actions"].items():
            out.append(("load", f"{head}: {kind}", f"p50 {s['p50_ms']} ms, p95 {s['p95_ms']} ms (n {s['n']})"))
        if load["all_interactions"]:
            a = load["all_interactions"]
            out.append(("load", f"{head}: all interactions", f"p50 {a['p50_ms']} ms, p95 {a['p95_ms']} ms"))
        out.append(("load", f"{head}: errors", str(load["errors"])))
        m = load["server_rss_mb"]
        out.append(("load", f"{head}: server memory (RSS)", f"start {m['start']} MB, peak {m['peak']} MB"))
    poll = _ok(r, "poll")
    if poll:
        head, cpu = f"{poll['students']} students", poll["server_cpu_pct"]
        out.append(("poll", f"{head}: server CPU while the class waits (teacher alone)",
                    f"{cpu['class_waiting']} % ({cpu['teacher_alone']} %) of a core"))  # fmt: skip
        out.append(("poll", f"{head}: answer on every screen (server CPU for it)",
                    f"{poll['answer_reaches_all_s']} s ({poll['answer_server_cpu_s']} s)"))  # fmt: skip
    for name in SECTIONS:
        if isinstance(r.get(name), dict) and "error" in r[name]:
            out.append((name, "not measured", r[name]["error"]))
    return out


def _ok(r: dict, name: str) -> dict:
    v = r.get(name)
    return v if isinstance(v, dict) and "error" not in v else {}


def print_table(r: dict) -> None:
    table = rows(r)
    w = max(len(what) for _, what, _ in table)
    for section, what, figure in table:
        print(f"{section:10s} {what:{w}s}  {figure}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="a fast smoke run: few repeats, a 3-session load test")
    ap.add_argument("--json", help="also write every figure to this JSON file")
    ap.add_argument("--only", help=f"comma-separated sections: {','.join(SECTIONS)}")
    ap.add_argument("--skip", help="comma-separated sections to leave out")
    ap.add_argument("--load-sessions", type=int, default=10, help="load test: sessions (the goal is set for 30)")
    ap.add_argument("--load-duration", type=float, default=30, help="load test: seconds of interactions")
    ap.add_argument("--load-server-cpus", help="load test: pin its server to these cores (e.g. 0,1), the browser apart")
    args = ap.parse_args()
    wanted = [s for s in SECTIONS if not args.only or s in args.only.split(",")]
    wanted = [s for s in wanted if not args.skip or s not in args.skip.split(",")]
    results: dict = {}
    for name in ("machine", "inference", "training", "parallel", "timings", "first", "chat", "protocol"):
        if name in wanted:
            print(f"[{time.strftime('%H:%M:%S')}] {name}…", file=sys.stderr, flush=True)
            fn = globals()[name]
            results[name] = _guard(fn if name == "machine" else lambda fn=fn: fn(args.quick))
    browser = [s for s in ("slider", "pages", "weight", "load", "poll") if s in wanted]
    if browser:
        print(f"[{time.strftime('%H:%M:%S')}] {', '.join(browser)} (in Chromium)…", file=sys.stderr, flush=True)
        cpus = {int(c) for c in args.load_server_cpus.split(",")} if args.load_server_cpus else None
        results.update(browser_sections(browser, args.quick, args.load_sessions, args.load_duration, cpus))
    print_table(results)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
