"""Why GPUs: a recurrent network reading one word at a time against a transformer reading all at once, timed live."""

import pandas as pd
import streamlit as st

from explainer import format as F
from explainer.analysis import parallel as P
from explainer.charts.scale import bench_chart, chain_chart
from explainer.i18n import _, ngettext
from explainer.model.device import device_words
from explainer.ui.shell.chart import show_chart
from explainer.ui.shell.navigation import link_page
from explainer.ui.shell.presenter import advanced
from explainer.ui.shell.views import VIEW_KEY, section
from explainer.ui.shell.words import for_the_teacher
from explainer.ui.why_gpus import WhyGpusState, more_hands, race_board, reference, summary

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
with for_the_teacher("recurrent-network", "transformer", "gpu", "attention"):
    st.markdown(
        _("""
- A **recurrent network**, the usual design before 2017, reads like we do: one word after another, carrying a
  summary of everything so far. It cannot start on word 100 before it has finished word 99.
- A **transformer** reads every word of the text at once: each position looks at the earlier ones directly,
  through **attention**, so all of them are computed together, as a few big matrix products.

Both models here have the width and depth of the built-in model and make a next-word prediction at every
position, which is what each training step does first. Each layer of the recurrent network is a GRU cell and a
small feed-forward network, sized so that a token costs it the same multiply-adds as the transformer's matrices
(12 × width² per layer); the transformer's attention comes on top. So the race compares the order of the sums, not
their number. A GPU has thousands of small cores running the same arithmetic on different numbers at the same
moment: the all-at-once reader keeps them busy.
""")
    )

section(_("Waiting, or side by side"), "chain")
st.markdown(
    _(
        "First count, for a batch of {batch} texts: the steps each reader takes **one after another**, each waiting "
        "for the one before, and the multiply-adds inside each step. Both do the same sums for each word (the "
        "transformer adds its attention on top): only their order differs. The counts are the same on any machine."
    ).format(batch=P.CHAIN_BATCH)
)
counted = P.chain(P.DEFAULT_LENGTHS)
show_chart(chain_chart(counted), "why_gpus_chain")
st.caption(
    _(
        "At {n} tokens the recurrent network takes {seq_steps} steps in a row, of {seq_work} multiply-adds each; "
        "the transformer {par_steps} steps, of {par_work} each. A chip that does many multiply-adds at the same "
        "moment finishes a big step almost as fast as a small one: the transformer's few big steps keep it busy, "
        "while each of the recurrent network's small steps leaves most of it idle, waiting for the one before."
    ).format(
        n=counted.lengths[-1],
        seq_steps=F.number(counted.sequential_steps[-1]),
        seq_work=F.human_count(counted.sequential_work[-1]),
        par_steps=F.number(counted.parallel_steps[-1]),
        par_work=F.human_count(counted.parallel_work[-1]),
    )
)

section(_("The race"), "race")
longest = st.select_slider(
    _("Longest text (tokens)"), P.DEFAULT_LENGTHS, value=P.DEFAULT_LENGTHS[-1], key="longest", bind="query-params"
)
batch_size = 8
if advanced():
    with st.expander(_("Benchmark settings")):
        batch_size = st.slider(_("Texts read at once (batch)"), 1, 32, 8, key="why_gpus_batch")
runs = P.race_hardware()
hardware = F.listing([device_words(hw.label()) for hw in runs])
if st.button(_("Run the benchmark on {hardware}").format(hardware=hardware), icon=":material/timer:", type="primary"):
    board, lengths = race_board(), [n for n in P.DEFAULT_LENGTHS if n <= longest]
    settings = (tuple(lengths), batch_size, tuple(runs))
    if not board.lock.acquire(timeout=60):
        st.warning(_("Another benchmark is running on this server right now: try again in a few seconds."))
    else:
        try:
            state = WhyGpusState.of()
            if recent := board.recent(settings):  # a classmate's race, just run: the same timings, measured once
                state.results, state.shared_s = recent
            else:
                bar = st.progress(0.0, text=_("Starting…"))
                results = []
                for k, hw in enumerate(runs):
                    share = lambda f, msg, k=k: bar.progress(min(1.0, (k + f) / len(runs)), text=msg)  # noqa: E731
                    results.append(
                        P.run_parallel_bench(lengths, batch_size, device=hw.device, threads=hw.threads, progress=share)
                    )
                bar.empty()
                board.keep(settings, results)
                state.results, state.shared_s = results, None
        finally:
            board.lock.release()


results, shared_s, stored = WhyGpusState.of().results, WhyGpusState.of().shared_s, reference()
live_col, reference_col = st.columns(2) if stored else (st.container(), None)
with live_col:
    if results:
        st.subheader(_("Live, on this server now"), anchor=False)
        show_chart(bench_chart(results, _("Live run")), "why_gpus_chart")
        for r in results:
            st.markdown(_("On **{device}**: {summary}").format(device=device_words(r.device), summary=summary(r)))
        for line in more_hands(results):
            st.markdown(line)
        if shared_s is not None:
            st.caption(
                _(
                    "A classmate's race, run on this server {seconds} s before you pressed, with the same settings: a "
                    "class that presses together gets one race, measured once, not a queue of them. Press again in a "
                    "minute for a new one."
                ).format(seconds=round(shared_s))
            )
        for r in results:
            if problem := P.noise_problem(r):
                st.warning(
                    _(
                        "**Too noisy to read:** {problem}. Other work on this server (other students, other programs) "
                        "got in the way of the clock. Compare with the reference run, or run again in a quiet moment."
                    ).format(problem=problem),
                    icon=":material/warning:",
                )
    else:
        st.info(_("Press the button: it takes a few seconds."), icon=":material/timer:")
if stored and reference_col is not None:
    machine, ref_results = stored
    with reference_col:
        st.subheader(_("Reference, stored with the app"), anchor=False)
        show_chart(bench_chart(ref_results, _("Reference run")), "why_gpus_reference")
        for r in ref_results:
            st.markdown(_("On **{device}**: {summary}").format(device=device_words(r.device), summary=summary(r)))
        for line in more_hands(ref_results):
            st.markdown(line)
        busy = machine.get("load_before", 0) > machine.get("cores", 1)
        measured = {
            "cpu": machine.get("cpu", _("a CPU")), "cores": machine.get("cores", "?"), "date": machine.get("date", "?"),
            "load": machine.get("load_before", "?"), "script": "bench/why_gpus_reference.py",
        }  # fmt: skip
        cores = measured["cores"] if isinstance(measured["cores"], int) else 2
        if busy:
            caption = ngettext(
                "Measured on {cpu} ({cores} core) on {date}, load average {load}: a busy machine, so read it with "
                "care ({script}).",
                "Measured on {cpu} ({cores} cores) on {date}, load average {load}: a busy machine, so read it with "
                "care ({script}).",
                cores,
            )
        else:
            caption = ngettext(
                "Measured on {cpu} ({cores} core) on {date}, load average {load}: a quiet machine ({script}).",
                "Measured on {cpu} ({cores} cores) on {date}, load average {load}: a quiet machine ({script}).",
                cores,
            )
        st.caption(caption.format(**measured))
if results and advanced():
    one, every, speedup = _("one at a time (ms)"), _("all at once (ms)"), _("speed-up")
    rows = [
        {_("hardware"): device_words(r.device), _("tokens"): n, one: s, every: p, speedup: s / p}
        for r in results
        for n, s, p in zip(r.lengths, r.sequential_ms, r.parallel_ms)
    ]
    ms = st.column_config.NumberColumn(format="%.1f")
    config = {one: ms, every: ms, speedup: st.column_config.NumberColumn(format="%.1f×")}
    st.dataframe(pd.DataFrame(rows), hide_index=True, column_config=config)
st.caption(
    _(
        "Each time is the median of {repeats} runs after a warm-up, at every length up to the one chosen. Even one "
        "CPU core does several multiply-adds at the same moment (its vector units), and the transformer's big "
        "products keep them busy; more cores help only the reader whose sums need not wait. A GPU does hundreds of "
        "thousands at once: there, one word at a time grows in step with the length while all at once barely moves "
        "until the chip is full."
    ).format(repeats=P.REPEATS)
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
if (page := link_page("next-word")) is not None:  # every position's guess from one reading, on a text of one's own
    st.page_link(
        page,
        label=_("See it: every word of a text guessed in one reading, on the Next word page"),
        query_params={VIEW_KEY: "surprise"},
        icon=":material/visibility:",
    )
