"""Why GPUs: a recurrent network reading one word at a time against a transformer reading all at once, timed live."""

import pandas as pd
import streamlit as st

from explainer import format as F
from explainer.analysis import parallel as P
from explainer.charts.scale import bench_chart
from explainer.i18n import _
from explainer.model.device import device_label
from explainer.ui.shell.chart import show_chart
from explainer.ui.shell.presenter import advanced
from explainer.ui.shell.views import section
from explainer.ui.shell.words import for_the_teacher
from explainer.ui.why_gpus import WhyGpusState, bench_lock, devices, reference

st.title(_("Why GPUs — one word at a time vs all at once"))
st.markdown(
    _(
        "Training takes an enormous number of sums (see *Scale*). Only chips that do thousands of sums **side "
        "by side** "
        "make it possible, and side by side only helps when the sums do not have to wait for each other."
    )
)
st.markdown(
    _(
        "Below, two models read the same text: one **word after word**, the other **all at once**. Run it and watch "
        "how the time grows with the length of the text."
    )
)
with for_the_teacher("attention"):
    st.markdown(
        _("""
- A **recurrent network**, the usual design before 2017, reads like we do: one word after another, carrying a
  summary of everything so far. It cannot start on word 100 before it has finished word 99.
- A **transformer** reads every word of the text at once: each position looks at the earlier ones directly,
  through **attention**, so all of them are computed together, as a few big matrix products.

Both models here have the width and depth of the built-in model and make a next-word prediction at every
position, which is what each training step does first. A GPU has thousands of small cores running the same
arithmetic on different numbers at the same moment: the all-at-once reader keeps them busy.
""")
    )

section("The race", "race")
longest = st.select_slider(
    "Longest text (tokens)", P.DEFAULT_LENGTHS, value=P.DEFAULT_LENGTHS[-1], key="longest", bind="query-params"
)
batch_size = 8
if advanced():
    with st.expander("Benchmark settings"):
        batch_size = st.slider("Texts read at once (batch)", 1, 32, 8, key="why_gpus_batch")
hardware = " and ".join(device_label(d) for d in devices())
if st.button(_("Run the benchmark on {hardware}").format(hardware=hardware), icon=":material/timer:", type="primary"):
    lock = bench_lock()
    if not lock.acquire(timeout=60):
        st.warning("Another benchmark is running on this server right now: try again in a few seconds.")
    else:
        try:
            bar = st.progress(0.0, text=_("Starting…"))
            results = []
            for k, dev in enumerate(devices()):
                share = lambda f, msg, k=k: bar.progress(min(1.0, (k + f) / len(devices())), text=msg)  # noqa: E731
                lengths = [n for n in P.DEFAULT_LENGTHS if n <= longest]
                results.append(P.run_parallel_bench(lengths, batch_size, device=dev, progress=share))
            bar.empty()
            WhyGpusState.of().results = results
        finally:
            lock.release()


def summary(r: P.BenchResult) -> str:
    """What one run shows, in words: the speed-up at the longest text, and how each time grew with the length."""
    n, factor = r.lengths[-1], r.speedups()[-1]
    if 0.9 <= factor <= 1.1:
        faster = "**about as fast as**"
    else:
        faster = f"**{F.factor(factor)} faster** than" if factor > 1 else f"**{F.factor(1 / factor)} slower** than"
    text = f"At {n} tokens, all at once was {faster} one word at a time"
    if len(r.lengths) > 1:
        grow = lambda ms: F.factor(ms[-1] / ms[0])  # noqa: E731
        text += (
            f"; from {r.lengths[0]} to {n} tokens ({F.factor(n / r.lengths[0])} longer), one at a time took "
            f"{grow(r.sequential_ms)} as long, all at once {grow(r.parallel_ms)}"
        )
    return text + "."


results, stored = WhyGpusState.of().results, reference()
live_col, reference_col = st.columns(2) if stored else (st.container(), None)
with live_col:
    if results:
        st.subheader("Live, on this server now", anchor=False)
        show_chart(bench_chart(results, "Live run"), "why_gpus_chart")
        for r in results:
            st.markdown(f"On **{r.device}**: {summary(r)}")
            if problem := P.noise_problem(r):
                st.warning(
                    f"**Too noisy to read:** {problem}. Other work on this server (other students, other programs) "
                    "got in the way of the clock. Compare with the reference run, or run again in a quiet moment.",
                    icon=":material/warning:",
                )
    else:
        st.info("Press the button: it takes a few seconds.", icon=":material/timer:")
if stored and reference_col is not None:
    machine, ref_results = stored
    with reference_col:
        st.subheader("Reference, stored with the app", anchor=False)
        show_chart(bench_chart(ref_results, "Reference run"), "why_gpus_reference")
        for r in ref_results:
            st.markdown(f"On **{r.device}**: {summary(r)}")
        busy = machine.get("load_before", 0) > machine.get("cores", 1)
        st.caption(
            f"Measured on {machine.get('cpu', 'a CPU')} ({machine.get('cores', '?')} cores) on "
            f"{machine.get('date', '?')}, load average {machine.get('load_before', '?')}"
            + (": a busy machine, so read it with care" if busy else ": a quiet machine")
            + " (bench/why_gpus_reference.py)."
        )
if results and advanced():
    rows = [
        {"hardware": r.device, "tokens": n, "one at a time (ms)": s, "all at once (ms)": p, "speed-up": s / p}
        for r in results
        for n, s, p in zip(r.lengths, r.sequential_ms, r.parallel_ms)
    ]
    ms = st.column_config.NumberColumn(format="%.1f")
    config = {
        "one at a time (ms)": ms,
        "all at once (ms)": ms,
        "speed-up": st.column_config.NumberColumn(format="%.1f×"),
    }
    st.dataframe(pd.DataFrame(rows), hide_index=True, column_config=config)
st.caption(
    f"Each time is the median of {P.REPEATS} runs after a warm-up, at every length up to the one chosen. On one "
    "CPU thread both ways do the same arithmetic one operation after another, so all at once wins little or "
    "nothing there: reading all at once pays on hardware that does many operations at the same moment. On a GPU, "
    "one-at-a-time grows in step with the length while all-at-once barely moves until the chip is full."
)

st.header(_("Why this made the 2017 transformer trainable at scale"), anchor=False)
st.markdown(
    _("""
In 2017 a team at Google published *Attention Is All You Need* (Vaswani et al.), the paper that introduced
the transformer. Its key move was to drop the chain of steps: instead of passing a running summary from
word to word, every position reads the earlier ones directly through attention.

During training the whole text is known in advance, so the model can make its prediction for every position
of it at once: a text of a thousand tokens becomes a few large matrix products instead of a queue of a
thousand steps, each waiting for the one before. Large matrix products are exactly what GPUs are built for,
and thousands of GPUs can share the work of one training run. That is what made it possible to push
trillions of tokens through models with hundreds of billions of parameters in weeks instead of millennia.

(Writing a reply is still one word at a time: each new word depends on the one before. But training, by far
the bigger cost, is not.)
""")
)
