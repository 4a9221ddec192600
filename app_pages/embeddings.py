"""Embeddings: every token is a list of numbers; words used alike get similar lists."""

import numpy as np
import streamlit as st

from explainer.analysis import embeddings as em
from explainer.charts.embeddings import embedding_map, group_name, heat_strip, position_arc
from explainer.format import fixed_percent, human_count, md_escape, number, visible_token
from explainer.i18n import _, ngettext, sentences
from explainer.ui import embeddings as ui
from explainer.ui.shell.chart import shared_chart, show_chart
from explainer.ui.shell.models import current_spec, require_backend
from explainer.ui.shell.presenter import advanced, side_by_side
from explainer.ui.shell.views import section, view
from explainer.ui.shell.words import for_the_teacher
from explainer.ui.word_sums import word_arithmetic

st.title(_("Embeddings — words as lists of numbers"))
backend = require_backend()
spec, info = current_spec(), backend.info
st.markdown(
    _(
        "The first thing a transformer does is turn each token into a list of **{d_model} numbers**, its "
        "*embedding*. Words that the text uses in similar ways end up with similar lists."
    ).format(d_model=info.d_model)
)
with for_the_teacher("embedding", "token", "parameter", "position-vector"):
    st.markdown(
        _(
            "The model looks each token up in a table (the embedding matrix) and swaps it for a vector. It only "
            "computes with numbers, and training can only nudge numbers that vary smoothly, so words must become "
            "vectors. Nobody chooses these numbers: they are **parameters**, random at first, moved by "
            "training.\n\n**Cosine similarity** compares two vectors' directions: 1 the same direction, 0 "
            "unrelated (at right angles), −1 opposite. The map squeezes the vectors into 2 or 3 directions (PCA "
            "or t-SNE): a shadow of {d_model} dimensions."
        ).format(d_model=info.d_model)
    )

labels = ui.vocab_labels(spec)
unit = ui.unit_matrix(spec)
emb = backend.embedding_matrix()  # (V, D), read only
sample, drawn, groups = ui.map_sample(spec)


def find(word: str) -> int | None:
    """The token id for a typed word, with a message if it isn't one token of the vocabulary."""
    ids, exact = em.lookup(backend, word)
    if not ids:
        st.warning(
            _("“{word}” is not in this model's vocabulary.").format(word=md_escape(word)), icon=":material/search_off:"
        )
        return None
    if not exact:
        pieces = " + ".join(f"“{md_escape(visible_token(labels[i]))}”" for i in ids)
        st.info(
            _("“{word}” is not one token here: it splits into {pieces}. Showing the last piece.").format(
                word=md_escape(word), pieces=pieces
            )
        )
    return ids[-1]


# ---------------------------------------------------------------------------- the map
CHOSEN_PROJECTION = "emb_projection_chosen"
PROJECTIONS = ("t-SNE", "PCA")  # t-SNE first: its clusters show the page's claim at a glance; PCA's shadow mixes them
if advanced():  # over the map's controls (written after `side_by_side`'s boxes, it stood under the map)
    section(_("A map of the vocabulary"), "map")
controls, main = side_by_side((1, 2))  # presenter mode: the words to find beside the map, on the first screen
if advanced():
    left, mid, right = controls.columns([2, 2, 3])
    method = left.segmented_control(
        _("Projection"), PROJECTIONS, default=PROJECTIONS[0], key="emb_proj", bind="query-params", required=True
    )
    st.session_state[CHOSEN_PROJECTION] = method  # kept for presenter mode, where the switch (and its state) is gone
    dirs = [(0, 1, 2), (1, 2, 3), (3, 4, 5)]
    first = dirs[0]
    if method == "PCA":  # shown only then: a disabled box's grey label would be too faint to read
        first = mid.selectbox(
            _("PCA directions on the axes"),
            dirs,
            format_func=lambda d: ", ".join(str(i + 1) for i in d),
            key="emb_dirs",
            bind="query-params",
        )
else:  # presenter mode, no switches: the projection the link (or the teacher, before presenting) chose, else t-SNE
    asked = st.query_params.get("emb_proj") or st.session_state.get(CHOSEN_PROJECTION, PROJECTIONS[0])
    method, first, right = (asked if asked in PROJECTIONS else PROJECTIONS[0]), (0, 1, 2), controls
typed = right.text_input(
    _("Find words (commas between them)"), "dog, cat, Paris, France, Monday", key="emb_find", bind="query-params"
)
wanted = [w.strip() for w in typed.split(",") if w.strip()][:20]
looked = {w: em.lookup(backend, w) for w in wanted}  # word -> (token ids, one token?)
found = {w: ids[0] for w, (ids, whole) in looked.items() if whole}  # only a whole word has a vector of its own
if missing := [w for w, (ids, _whole) in looked.items() if not ids]:
    controls.warning(
        _("Not in this model's vocabulary: {missing}").format(missing=md_escape(", ".join(missing))),
        icon=":material/search_off:",
    )
if split := [w for w, (ids, whole) in looked.items() if ids and not whole]:
    pieces = "; ".join(f"{w} = {' + '.join(visible_token(labels[i]) for i in looked[w][0])}" for w in split)
    controls.info(
        _("Not one token for this model, so not on the map (it has no vector of its own): {pieces}").format(
            pieces=md_escape(pieces)
        ),
        icon=":material/call_split:",
    )

extra = [i for i in dict.fromkeys(found.values()) if i not in set(sample.tolist())]  # typed words not on the map
ids = np.concatenate([sample, np.asarray(extra, dtype=int)])
new = unit[extra].numpy()  # (M, D)
if method == "PCA":
    proj = ui.pca_for(spec)
    coords = proj(np.concatenate([drawn, new]))[:, list(first)]  # (N + M, 3)
    names = [_("direction {n}").format(n=i + 1) for i in first]
    kept = proj.explained[list(first)]
    note = _(
        "PCA finds the directions in which the {d_model}-number vectors spread out most. Directions {a} "
        "and {b} keep **{share_ab}** of the spread (with direction {c}, {share_abc}); the rest is invisible "
        "here. The map is a flat shadow of {d_model} dimensions. A shadow can only bring points closer: "
        "words near each other in full stay near on the map, but words near on the map may be far apart in "
        "full, so trust the neighbour table below over the picture."
    ).format(
        d_model=info.d_model,
        a=first[0] + 1,
        b=first[1] + 1,
        share_ab=fixed_percent(kept[:2].sum(), 0),
        c=first[2] + 1,
        share_abc=fixed_percent(kept.sum(), 0),
    )
else:
    near = em.nearest_drawn(drawn, new)  # (M, k): where the typed words off the map are placed

    def tsne_coords(dims: int) -> np.ndarray:
        """(N + M, dims): the map's t-SNE, with the typed words that are not on it placed among their neighbours."""
        fitted = ui.tsne_for(spec, dims)
        return np.concatenate([fitted, em.place_among(fitted, near)]) if extra else fitted

    coords = tsne_coords(2)
    names = [_("t-SNE 1"), _("t-SNE 2"), _("t-SNE 3")]
    note = _(
        "t-SNE moves the points around until each one's nearest neighbours on the map are, as far as "
        "possible, its nearest neighbours among the {d_model}-number vectors. Clusters are meaningful; "
        "distances between clusters and the axes are not."
    ).format(d_model=info.d_model)
    if extra:
        placed = "; ".join(
            f"{visible_token(labels[t])} → {', '.join(visible_token(labels[sample[j]]) for j in row)}"
            for t, row in zip(extra, near)
        )
        note = sentences(
            note,
            _(
                "A word you typed that is not in a group is placed in the middle of its {k} nearest group words: "
                "{placed}."
            ).format(k=em.PLACE_K, placed=md_escape(placed)),
        )

pos = {int(t): n for n, t in enumerate(ids)}
hi = [pos[i] for i in found.values() if i in pos]
capitals = em.capital_rows(backend, {int(t): n for n, t in enumerate(sample)})  # on the map as drawn (2D)
beside = em.nearest_is_partner(coords[: len(sample), :2], [(c, land) for c, land, _cap, _name in capitals])
shown_labels = [labels[i] for i in ids]
shown_groups = [groups[i] for i in ids]
the_map = view("map", main)
tab2, tab3 = the_map.tabs(
    [_("2D map"), _("3D map (drag to turn)")], key="emb_tab", on_change="rerun", bind="query-params"
)
if tab2.open:  # only the open tab is drawn: a 3D map is heavy for the browser
    with tab2:
        map2d = shared_chart(
            ("emb_map2d", spec, method, first, tuple(found.values())),  # the same map for every student
            lambda: embedding_map(coords[:, :2], shown_labels, shown_groups, hi, tuple(names[:2])),
        )
        show_chart(map2d, "emb_map2d")
if tab3.open:
    with tab3:
        if method != "PCA":
            coords = tsne_coords(3)
        map3d = shared_chart(
            ("emb_map3d", spec, method, first, tuple(found.values())),
            lambda: embedding_map(coords[:, :3], shown_labels, shown_groups, hi, tuple(names)),
        )
        show_chart(map3d, "emb_map3d")
if 2 * beside.sum() > len(capitals):  # what t-SNE keeps; PCA's shadow mixes them (0 of 70 on the built-in model)
    seen = [f"{cap} / {name}" for (_c, _l, cap, name), ok in zip(capitals, beside) if ok]
    the_map.markdown(
        _(
            "**Capitals beside their countries.** For {n} of the {m} countries on this map, the point nearest to the "
            "capital (a ring) is its own country: {examples}. Nobody told the model which capital goes with which "
            "country: training on sentences that name both gave each pair similar numbers."
        ).format(n=number(int(beside.sum())), m=number(len(capitals)), examples=md_escape(", ".join(seen[:3]) or "—"))
    )
the_map.caption(note)
grey = any(groups[i] == em.OTHER for i in sample)  # a character model's map: every token, or a sample
if not grey:
    the_map.caption(
        _(
            "The map shows the {n_words} words of the built-in corpus's groups that are one token for this model, "
            "coloured by group, and your words. The other {n_rest} tokens (pieces of words, punctuation, rarer "
            "words) are left out; the neighbour table below searches all {vocab_size}."
        ).format(
            n_words=number(len(sample)),
            n_rest=number(info.vocab_size - len(sample)),
            vocab_size=number(info.vocab_size),
        )
    )
else:
    if len(sample) < info.vocab_size:
        the_map.caption(
            _(
                "This model knows {vocab_size} tokens; drawing them all would make the page slow, so the map shows "
                "{n_sample}: the words of the corpus groups it has, a fixed random sample of the rest, and your "
                "words."
            ).format(vocab_size=number(info.vocab_size), n_sample=number(len(sample)))
        )
    the_map.caption(
        _("Colours: word groups from the built-in corpus (countries, animals, …); grey: every other token.")
    )

a, b, c = st.columns(3)
a.metric(_("Tokens in the table"), number(info.vocab_size), border=True)
b.metric(_("Numbers per token"), number(info.d_model), border=True)
total = info.vocab_size * info.d_model  # "1.2 M" fits a third of a 1024 px page; GPT-2's 38,597,376 would not
c.metric(_("Numbers in the table"), human_count(total), help=_("exactly {n}").format(n=number(total)), border=True)

# ---------------------------------------------------------------------------- one word up close


def word_up_close() -> None:
    """A typed word's numbers, its similarity to another, its nearest neighbours."""
    section(_("One word up close"), "word")
    l, r = st.columns(2)
    word = l.text_input(_("A word"), "Paris", key="emb_word", bind="query-params")
    other = r.text_input(_("Compare it with"), "Madrid", key="emb_other", bind="query-params")
    i, j = find(word), find(other) if other.strip() else None
    if i is None:
        return
    strip = {labels[i]: emb[i].numpy()} | ({labels[j]: emb[j].numpy()} if j is not None else {})
    show_chart(
        heat_strip(
            strip, _("The {d_model} numbers of each word (blue above 0, red below)").format(d_model=info.d_model)
        ),
        "emb_strip",
    )
    if j is not None:
        sim = em.cosine(emb[i], emb[j])
        st.metric(
            _("Cosine similarity of “{word}” and “{other}”").format(
                word=visible_token(labels[i]), other=visible_token(labels[j])
            ),
            number(sim, 2),
        )
        nearer = em.nearer_than(unit, i, j)
        st.markdown(
            ngettext(
                "Of the {vocab} tokens, **{n}** points more nearly the same way as “{word}” than “{other}” does.",
                "Of the {vocab} tokens, **{n}** point more nearly the same way as “{word}” than “{other}” does.",
                nearer,
            ).format(
                n=number(nearer),
                vocab=number(info.vocab_size),
                word=md_escape(visible_token(labels[i])),
                other=md_escape(visible_token(labels[j])),
            )
        )
        st.caption(
            _(
                "Cosine similarity compares only the directions of two vectors: 1 means the same direction, "
                "0 unrelated (at right angles), −1 opposite. Random vectors this long land near 0."
            )
        )
    k = st.slider(_("Neighbours shown"), 5, 50, 15, key="emb_k", bind="query-params") if advanced() else 15
    st.markdown(
        _("**Nearest neighbours of “{labels}”** (rank 0 is the word itself, similarity 1)").format(
            labels=md_escape(visible_token(labels[i]))
        )
    )
    table = ui.similar_tokens(em.neighbours(unit, i, k + 1), labels, 0, lambda t: group_name(groups[t]))
    if advanced():
        st.download_button(
            _("Download as CSV"),
            table.to_csv(index=False),
            file_name=f"neighbours_{word.strip()}.csv",
            mime="text/csv",
            icon=":material/download:",
        )


word_up_close()
word_arithmetic(backend, spec)

# ---------------------------------------------------------------------------- position vectors
section(_("Where each token stands: position vectors"), "positions")
st.markdown(
    _(
        "Attention on its own does not see word order: “the dog bit the man” and “the man bit the dog” hold the "
        "same tokens. So before the first layer, each token's vector gets a second vector added: the one for its "
        "**position** in the text (1st, 2nd, 3rd, …). These are parameters too, random at first."
    )
)
where = ui.position_map(spec)
if where is None:
    st.info(
        _(
            "This model adds no learned position vectors to its tokens: it marks the order inside attention "
            "instead (most recent models turn each query and key by an angle that grows with the position)."
        ),
        icon=":material/info:",
    )
else:
    show_chart(
        shared_chart(
            ("emb_positions", spec),
            lambda: position_arc(
                where.coords,
                where.explained,
                _("The {n} position vectors, in order").format(n=number(len(where.coords))),
            ),
        ),
        "emb_positions",
    )
    st.caption(
        _(
            "Each dot is one position's {d_model} numbers, squeezed onto the 2 directions of widest spread (PCA), "
            "joined in order. Nobody told the model that position 5 comes after position 4: training laid the "
            "positions out in order by itself. Neighbouring positions' vectors point almost the same way (cosine "
            "similarity {near} on average); positions at least half the text apart: {far}."
        ).format(d_model=number(info.d_model), near=number(where.near, 2), far=number(where.far, 2))
    )
