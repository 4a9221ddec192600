"""Scale: how much text the big models read, and how much computing their training takes."""

import pandas as pd
import streamlit as st

from explainer.analysis import scale as S
from explainer.charts.scale import LIFETIME_YEARS, compute_chart, reading_chart
from explainer.format import SECONDS_PER_YEAR, big_number, duration_from_years, md_escape, number, sci
from explainer.i18n import _
from explainer.model.device import device_words, pick_device
from explainer.ui.shell.chart import show_chart
from explainer.ui.shell.language import LOCALIZED
from explainer.ui.shell.navigation import link_page, stop
from explainer.ui.shell.presenter import advanced, side_by_side
from explainer.ui.shell.views import section, view
from explainer.ui.shell.words import for_the_teacher
from explainer.ui.training.session import TrainingSession

st.title(_("Scale — how much reading, how much computing"))
st.markdown(
    _(
        "The chatbots you know learned from a vast amount of text, with a vast amount of arithmetic. This page turns "
        "both into **time**: how long a person would need to *read* the text, and a computer to *do the sums*."
    )
)
with for_the_teacher("token", "parameter"):
    st.markdown(
        _(
            "Every figure comes from the model's own paper (sources at the bottom) and a few stated assumptions: "
            "about 0.75 words per **token**, reading non-stop, and about 6 operations per **parameter** for every "
            "token of training text (2 to read it forward, 4 to work out the nudges backwards):"
        )
    )
    ops, params, tokens = _("operations"), _("parameters"), _("training tokens")  # in the class's language
    st.latex(rf"\text{{{ops}}} \approx 6 \times \text{{{params}}} \times \text{{{tokens}}}")


@st.cache_data(ttl=3600, show_spinner=False)
def machine_rate(device: str) -> float:
    """Operations per second of this machine, shared by every visitor for an hour."""
    return S.measure_ops_per_second(device)


def available_presets() -> list[S.Preset]:
    presets = list(S.PRESETS)
    try:
        presets.append(S.builtin_preset())
    except (OSError, ValueError, KeyError) as e:
        st.warning(_("The built-in model's files could not be read, so it is left out: {e}").format(e=md_escape(e)))
    training = TrainingSession.of()  # the student's own run, if they trained one
    own = S.own_run_preset(training.tokens_seen, training.params)
    return presets + [own] if own else presets


presets = available_presets()
by_name = {p.name: p for p in presets}
if advanced():  # over the settings and the reading chart (after `side_by_side`'s boxes, it stood under the chart)
    section(_("How much reading"), "reading", level="header")
controls, main = side_by_side((1, 2))  # presenter mode: the settings beside the chart, on the first screen
left, right = controls.columns([3, 2]) if advanced() else (controls, controls)
chosen = left.pills(  # pills wrap onto more lines: a name is never cut short
    _("Models to compare"),
    list(by_name),
    selection_mode="multi",
    default=list(by_name),
    key="scale_presets",
    format_func=_,  # the names are keys; "Built-in model" is shown in the class's language
)
wpm = right.slider(
    _("Reading speed (words per minute)"), 50, 600, S.SPEECH_WPM, 10, key="wpm", bind="query-params",
    help=_(
"About {speech_wpm} is the pace of speech; adults read non-fiction silently at about "
"{silent_reading_wpm} (Brysbaert 2019)."
).format(speech_wpm=S.SPEECH_WPM, silent_reading_wpm=S.SILENT_READING_WPM),
)  # fmt: skip
words_per_token = S.WORDS_PER_TOKEN
if advanced():
    with controls.expander(_("Change the assumptions")):
        words_per_token = st.slider(
            _("Words per token"), 0.5, 1.0, S.WORDS_PER_TOKEN, 0.05, key="words_per_token", format=LOCALIZED,
            bind="query-params",
            help=_("English text in a BPE tokenizer averages about 0.75 words per token (100 tokens ≈ 75 words)."),
        )  # fmt: skip
if TrainingSession.of().tokens_seen is None and (train := link_page("train")):
    controls.page_link(train, label=_("Add a model you trained yourself"), icon=":material/school:")
selected = [by_name[name] for name in chosen]
if not selected:
    st.info(_("Pick at least one model above."))
    stop()

# ---------------------------------------------------------------------------- reading
words = [S.preset_words(p, words_per_token) for p in selected]
years = [S.reading_years(w, wpm) for w in words]
reading = view("reading", main)
show_chart(reading_chart([_(p.name) for p in selected], years, wpm), "scale_reading", where=reading)

gpt3_words = S.preset_words(S.GPT3, words_per_token)
gpt3_years = S.reading_years(gpt3_words, wpm)
minutes = gpt3_words / wpm
silent_years = S.reading_years(gpt3_words, S.SILENT_READING_WPM)
break_even = S.speed_for_years(gpt3_words, S.VIDEO_READING_YEARS)
st.markdown(
    _(
        "\n**GPT-3's training text, worked out** (reading non-stop: 24 hours a day, 365.25 days a year):\n\n| "
        "step | result |\n| --- | --- |\n| training tokens (the paper) | {tokens} |\n| × {words_per_token} "
        "words per token | = {gpt3_words} words |\n| ÷ {wpm} words a minute | = {minutes} minutes |\n| ÷ "
        "{minutes_per_year} minutes in a year | = **{gpt3_years}** |\n\nThe video says **over 2,600 years**. "
        "That holds at any reading speed below **{break_even} words a minute**\n— the pace of speech is about "
        "{speech_wpm}. A quick silent reader at {silent_reading_wpm} words a minute would\nstill need "
        "{silent_years}: {silent_years2} lifetimes of {lifetime_years} years.\nAnd GPT-3 is small by today's "
        "standards: Llama 3.1 read {tokens2} times as much.\n"
    ).format(
        tokens=big_number(S.GPT3.tokens),
        words_per_token=number(words_per_token),
        gpt3_words=big_number(gpt3_words),
        wpm=wpm,
        minutes=big_number(minutes),
        minutes_per_year=number(S.MINUTES_PER_YEAR, 0),
        gpt3_years=duration_from_years(gpt3_years),
        break_even=number(break_even, 0),
        speech_wpm=S.SPEECH_WPM,
        silent_reading_wpm=S.SILENT_READING_WPM,
        silent_years=duration_from_years(silent_years),
        silent_years2=number(silent_years / LIFETIME_YEARS, 0),
        lifetime_years=LIFETIME_YEARS,
        tokens2=number(S.LLAMA31_405B.tokens / S.GPT3.tokens, 0),
    )
)

# ---------------------------------------------------------------------------- computing
section(_("How much computing"), "computing", level="header")
st.markdown(
    _(
        "Training does about **6 sums for every parameter, for every token of text** it reads: reading a token costs a "
        "multiplication and an addition per parameter, and working out the nudges backwards costs twice that again."
    )
)

try:
    device = pick_device()
except ValueError:
    device = pick_device("cpu")
with st.spinner(_("Measuring how fast this machine multiplies (half a second)…")):
    measured = machine_rate(str(device))
st.markdown(
    _(
        "This machine (**{device_label}**) just did **{measured} operations a second**, measured live by "
        "multiplying two large matrices again and again."
    ).format(device_label=device_words(device), measured=sci(measured))
)
if st.button(_("Measure again"), icon=":material/speed:"):
    machine_rate.clear()
    st.rerun()
rates = [
    (_("10⁹ operations a second"), S.BILLION_PER_SECOND),
    (_("this machine, {measured}/s").format(measured=sci(measured)), measured),
    (_("{gpu_name}, {gpu_peak_ops}/s").format(gpu_name=S.GPU_NAME, gpu_peak_ops=sci(S.GPU_PEAK_OPS)), S.GPU_PEAK_OPS),
]
ops = [S.training_ops(p.params, p.tokens) for p in selected]
fig = compute_chart([_(p.name) for p in selected], ops, rates, S.VIDEO_COMPUTE_YEARS)
show_chart(fig, "scale_compute")

biggest = max(selected, key=lambda p: p.params * p.tokens)
big_ops = S.training_ops(biggest.params, biggest.tokens)
seconds = big_ops / S.BILLION_PER_SECOND
formula = _("6 × {params} parameters × {tokens} tokens").format(
    params=big_number(biggest.params), tokens=big_number(biggest.tokens)
)
stated = (
    _(" (the paper itself states {published_ops})").format(published_ops=sci(biggest.published_ops))
    if biggest.published_ops
    else ""
)
st.markdown(
    _(
        "\n**{name}, worked out** at one billion operations a second:\n\n| step | result |\n| --- | --- |\n| "
        "{formula} | = {big_ops} operations{stated} |\n| ÷ 10⁹ operations a second | = {seconds} seconds |\n| "
        "÷ {seconds_per_year} seconds in a year | = **{years_at}** |\n\nThe video says training the largest "
        "models at that speed would take **well over 100 million years**.\nFor comparison, GPT-3 alone: "
        "{training_ops} operations,\n{years_at2} at 10⁹ a second.\n"
    ).format(
        name=_(biggest.name),
        formula=formula,
        big_ops=sci(big_ops),
        stated=stated,
        seconds=sci(seconds),
        seconds_per_year=number(SECONDS_PER_YEAR, 0),
        years_at=duration_from_years(S.years_at(big_ops, S.BILLION_PER_SECOND)),
        training_ops=sci(S.training_ops(S.GPT3.params, S.GPT3.tokens)),
        years_at2=duration_from_years(S.years_at(S.training_ops(S.GPT3.params, S.GPT3.tokens), S.BILLION_PER_SECOND)),
    )
)
llama_ops = S.training_ops(S.LLAMA31_405B.params, S.LLAMA31_405B.tokens)
cluster = S.CLUSTER_GPUS * S.CLUSTER_OPS_PER_GPU
st.markdown(
    _(
        "\nEven one of today's fastest chips at its peak would need\n{years_at} for Llama 3.1 405B. So it was "
        "trained on up to\n**{cluster_gpus} GPUs at once**, each sustaining about 40% of its peak: {cluster} "
        "operations a second\ntogether, which brings it down to **{years_at2}**. Only chips that do a "
        "great\nmany operations side by side make this possible: *Why GPUs* shows why the transformer can use "
        "them.\n"
    ).format(
        years_at=duration_from_years(S.years_at(llama_ops, S.GPU_PEAK_OPS)),
        cluster_gpus=number(S.CLUSTER_GPUS),
        cluster=sci(cluster),
        years_at2=duration_from_years(S.years_at(llama_ops, cluster)),
    )
)

# ---------------------------------------------------------------------------- the table and its sources
st.header(_("The numbers and where they come from"), anchor=False)
rows = []
for p, w, y, n in zip(selected, words, years, ops):
    rows.append(
        {
            _("model"): _(p.name),
            _("year"): str(p.year or "—"),
            _("parameters"): big_number(p.params),
            _("training tokens"): big_number(p.tokens),
            _("words to read"): big_number(w),
            _("reading at {wpm} wpm").format(wpm=wpm): duration_from_years(y),
            _("operations (6·N·D)"): sci(n),
            _("stated by the source"): sci(p.published_ops) if p.published_ops else "—",
            **{_("at {label}").format(label=label): duration_from_years(S.years_at(n, rate)) for label, rate in rates},
        }
    )
# one column per model, one row per figure: every number fits a projector's width without scrolling sideways
st.table(pd.DataFrame(rows).set_index(_("model")).T)
sources = []
for p in selected:  # (a paper's title stays as published; the app's own words are translated)
    title = f"[{p.source.title}]({p.source.url})" if p.source.url.startswith("http") else _(p.source.title)
    extra = " — " + _(p.note).format(**{k: number(v) for k, v in p.note_args}) if p.note else ""
    when = f" ({p.year})" if p.year else ""
    sources.append(f"- **{_(p.name)}**{when}: {title}; {_(p.source.where)}{extra}.")
for name, src in (
    (_("Words per token"), S.WORDS_PER_TOKEN_SOURCE),
    (_("Reading speed"), S.READING_SPEED_SOURCE),
    (_("GPU peak"), S.GPU_SOURCE),
):
    sources.append(f"- **{name}**: [{src.title}]({src.url}); {_(src.where)}.")
sources.append(
    _(
        "- **6 × parameters × tokens**: Kaplan et al. 2020, "
        "[“Scaling Laws for Neural Language Models”](https://arxiv.org/abs/2001.08361), §2.1."
    )
)
st.markdown("\n".join(sources))
