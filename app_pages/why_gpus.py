"""Why GPUs: a recurrent network reading one word at a time against a transformer reading all at once, timed live."""

import pandas as pd
import streamlit as st

from explainer.analysis import parallel as P
from explainer.charts.scale import bench_chart
from explainer.format import number
from explainer.i18n import _
from explainer.model.device import device_label
from explainer.ui.shell.presenter import advanced, presented
from explainer.ui.shell.views import section
from explainer.ui.shell.words import for_the_teacher
from explainer.ui.why_gpus import WhyGpusState, bench_lock, devices

LENGTHS = (8, 16, 32, 64, 128, 256, 512, 1024)

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

section(_("The race"), "race")
longest = st.select_slider(_("Longest text (tokens)"), LENGTHS, value=512, key="longest", bind="query-params")
batch_size, budget = 8, 6.0
if advanced():
    with st.expander(_("Benchmark settings")):
        left, right = st.columns(2)
        batch_size = left.slider(_("Texts read at once (batch)"), 1, 32, 8, key="why_gpus_batch")
        budget = right.slider(_("Time budget per device (seconds)"), 1.0, 20.0, 6.0, 1.0, key="why_gpus_budget")
hardware = " and ".join(device_label(d) for d in devices())
if st.button(_("Run the benchmark on {hardware}").format(hardware=hardware), icon=":material/timer:", type="primary"):
    lock = bench_lock()
    if not lock.acquire(timeout=2 * budget * len(devices())):
        st.warning(_("Another benchmark is running on this server right now: try again in a few seconds."))
    else:
        try:
            bar = st.progress(0.0, text=_("Starting…"))
            results = []
            for k, dev in enumerate(devices()):
                share = lambda f, msg, k=k: bar.progress(min(1.0, (k + f) / len(devices())), text=msg)  # noqa: E731
                lengths = [n for n in LENGTHS if n <= longest]
                results.append(
                    P.run_parallel_bench(
                        lengths, batch_size, budget_s=budget, min_lengths=3, device=dev, progress=share
                    )
                )
            bar.empty()
            WhyGpusState.of().results = results
        finally:
            lock.release()

results = WhyGpusState.of().results
if results:
    st.plotly_chart(presented(bench_chart(results)), key="why_gpus_chart")
    for r in results:
        n = r.lengths[-1]
        factor = r.speedups()[-1]
        faster = (
            _("**{factor}× faster**").format(factor=number(factor, 1))
            if factor >= 1
            else _("{factor}× slower").format(factor=number(1 / factor, 1))
        )
        growth = ""
        if len(r.lengths) > 1:
            grow = lambda ms: ms[-1] / ms[0]  # noqa: E731
            growth = _(
                " From {lengths} to {n} tokens ({n2}× longer), one-at-a-time took {grow:.2g}× as long, all-at-once "
                "{grow2:.2g}×."
            ).format(
                lengths=r.lengths[0], n=n, n2=n // r.lengths[0], grow=grow(r.sequential_ms), grow2=grow(r.parallel_ms)
            )
        skipped = (
            _(" Left out to stay within the time budget: {lengths} tokens.").format(
                lengths=", ".join(map(str, r.skipped))
            )
            if r.skipped
            else ""
        )
        st.markdown(
            _(
                "On **{device}**, at {n} tokens, reading all at once was {faster} than one word at a "
                "time.{growth}{skipped}"
            ).format(device=r.device, n=n, faster=faster, growth=growth, skipped=skipped)
        )
    if advanced():
        table = pd.DataFrame(
            [
                {"hardware": r.device, "tokens": n, "one at a time (ms)": s, "all at once (ms)": p, "speed-up": s / p}
                for r in results
                for n, s, p in zip(r.lengths, r.sequential_ms, r.parallel_ms)
            ]
        )
        ms = st.column_config.NumberColumn(format="%.1f")
        config = {
            "one at a time (ms)": ms,
            "all at once (ms)": ms,
            "speed-up": st.column_config.NumberColumn(format="%.1f×"),
        }
        st.dataframe(table, hide_index=True, column_config=config)
    st.caption(
        _(
            "Median of 3 runs after a warm-up. Timings are noisy on a shared server, and a CPU has only a few cores "
            "to spread the work over: the gap is much wider on a GPU, where one-at-a-time grows in step with the "
            "length while all-at-once barely moves until the chip is full."
        )
    )
else:
    st.info(_("Press the button: it takes a few seconds."), icon=":material/timer:")

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
