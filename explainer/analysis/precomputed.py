"""What a model's pages need that depends on the model alone, computed once per model and never per student: the
vocabulary map (which tokens, their PCA and t-SNE in 2D and 3D), the head that finds the country, and the tokens of
the built-in corpus that fire each feed-forward neuron most. The map is of the corpus groups' words, by the
directions of their vectors (unit length, the neighbour table's cosine geometry). A sample of the whole vocabulary
drowned them: on the shipped model its rare tokens' long vectors (length 2.3 against 1.0 for tokens training saw)
made the first PCA direction, 62 % of the spread.

`ModelAnalyses(backend)` computes each piece the first time it is asked for; a class asking together waits for one
computation (one lock per piece). A checkpoint folder may hold them ready in `analyses.safetensors`, with the
SHA-256 of the weights they came from and the settings below: a file from other weights or other settings is
ignored. The shipped model's file is rebuilt by `llm-explainer precompute` (tests/test_precomputed.py checks it
against the model), so a new model only needs that command run again. Nothing is pickled: arrays in safetensors,
everything else in its string metadata.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
import torch
from safetensors import safe_open
from safetensors.numpy import save_file

from explainer.analysis import embeddings as em
from explainer.analysis import inside
from explainer.analysis.lookup import Guesses, TrainingText, training_text, who_guesses_better
from explainer.backends.base import Backend
from explainer.corpus.generator import generate_corpus
from explainer.generation.script import script_for

FILE = "analyses.safetensors"
FORMAT = "llm-explainer-analyses/2"  # 2: the map of the group words, on unit vectors
SETTINGS = {
    "capital_questions": 36,  # prompts the entity-head search measures
    "corpus_sample_bytes": 40_000,  # the neurons' sample of the built-in corpus: ~8,000 words
    "neuron_tokens": (4000, 1500),  # tokens of it read by a model under / over 20 M parameters
    "map_points": em.MAX_POINTS,
    "pca_directions": 6,  # principal directions kept for the map (any 2 or 3 of them on the axes)
    "tsne_iters": em.TSNE_ITERS,
}
TSNE_DIMS = (2, 3)


def weights_digest(backend: Backend) -> str:
    """SHA-256 of every parameter and buffer (names, shapes, values), in name order."""
    h = hashlib.sha256()
    for name, t in sorted(backend.module.state_dict().items()):
        t = t.detach().to("cpu").contiguous()
        h.update(f"{name}{tuple(t.shape)}{t.dtype}".encode())
        h.update(t.view(torch.uint8).numpy().tobytes() if t.numel() else b"")
    return h.hexdigest()


def corpus_sample() -> str:
    """The built-in corpus sample the neurons are read on (seeded: always the same text)."""
    return generate_corpus(size_bytes=SETTINGS["corpus_sample_bytes"]).train_text


class ModelAnalyses:
    """One model's analyses, each computed once (or read from its folder's file). Shared: read, never change."""

    def __init__(self, backend: Backend):
        self.backend = backend
        self._values: dict[str, object] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self.loaded_from: Path | None = None
        if backend.folder is not None and (backend.folder / FILE).is_file():
            values = read(backend.folder / FILE, backend)
            if values:
                self._values, self.loaded_from = values, backend.folder / FILE

    def _get(self, name: str, compute: Callable[[], object]):
        if name in self._values:
            return self._values[name]
        with self._guard:
            lock = self._locks.setdefault(name, threading.Lock())
        with lock:
            if name not in self._values:
                self._values[name] = compute()
        return self._values[name]

    # ------------------------------------------------------------------ the vocabulary map
    def labels(self) -> list[str]:
        """Every token's string, by id."""
        b = self.backend
        return self._get("labels", lambda: [b.token_str(i) for i in range(b.info.vocab_size)])

    def groups(self) -> list[str]:
        """Every token's word group of the built-in corpus (countries, animals, ...), else em.OTHER."""
        return self._get("groups", lambda: em.word_groups(self.labels()))

    def map_ids(self) -> np.ndarray:
        """(N,) the token ids drawn on the map: all of them, or a sample for a big vocabulary."""
        return self._get("map_ids", lambda: em.map_ids(self.labels(), self.groups(), SETTINGS["map_points"]))

    def unit(self) -> torch.Tensor:
        """(V, D) the embeddings scaled to length 1 (for cosine neighbours)."""
        return self._get("unit", lambda: em.unit_rows(self.backend.embedding_matrix()))

    def map_vectors(self) -> np.ndarray:
        """(N, D) the map's tokens' embeddings at unit length (what its PCA and t-SNE are fitted on)."""
        return self._get("map_vectors", lambda: self.unit()[self.map_ids()].numpy())

    def pca(self) -> em.Projection:
        return self._get("pca", lambda: em.pca(self.map_vectors(), SETTINGS["pca_directions"]))

    def tsne(self, dims: int) -> np.ndarray:
        """(N, dims) t-SNE coordinates of the map's tokens (seconds to minutes when not read from the file)."""
        return self._get(f"tsne{dims}", lambda: em.tsne(self.map_vectors(), dims))

    # ------------------------------------------------------------------ inside the model
    def entity_head(self) -> inside.EntityHead:
        n = SETTINGS["capital_questions"]
        questions = lambda: inside.capital_questions(n, script_for(self.backend))  # noqa: E731  in its own script
        return self._get("entity", lambda: inside.find_entity_head(self.backend, questions()))

    def neurons(self) -> inside.NeuronIndex | None:
        small, large = SETTINGS["neuron_tokens"]
        max_tokens = small if self.backend.info.n_params < 20_000_000 else large  # a few seconds on 2 CPU cores
        return self._get("neurons", lambda: inside.neuron_index(self.backend, corpus_sample(), max_tokens=max_tokens))

    # ------------------------------------------------------------------ what it read
    def training_text(self) -> TrainingText | None:
        """The text the model was trained on, as its tokens, to look texts up in (None: the app does not have it)."""
        return self._get("training_text", lambda: training_text(self.backend))

    def guesses(self) -> dict[str, Guesses] | None:
        """How often the lookup and the model guess the next token right, on text it read and text it never read
        (None without its training text)."""
        found = self.training_text()
        return self._get("guesses", lambda: None if found is None else who_guesses_better(self.backend, found))

    def pieces(self, tsne: bool = False) -> list[Callable[[], object]]:
        """Every piece, as functions that compute it (t-SNE only if asked: it is the slow one)."""
        return [
            self.unit,
            self.pca,
            self.entity_head,
            self.neurons,
            *(partial(self.tsne, d) for d in TSNE_DIMS if tsne),
        ]

    def warm(self, tsne: bool = False) -> None:
        """Compute every piece now."""
        for piece in self.pieces(tsne):
            piece()


# ---------------------------------------------------------------------------- the file


def write(analyses: ModelAnalyses, folder: Path) -> Path:
    """Compute everything (t-SNE included) and save it to folder/FILE, with the weights' digest."""
    analyses.warm(tsne=True)
    pca, entity, neurons = analyses.pca(), analyses.entity_head(), analyses.neurons()
    arrays = {
        "map_ids": analyses.map_ids().astype(np.int64),
        "pca_mean": pca.mean,
        "pca_components": pca.components,
        "pca_explained": pca.explained,
        "entity_table": entity.table.astype(np.float64),
        **{f"tsne{d}": analyses.tsne(d).astype(np.float32) for d in TSNE_DIMS},
    }
    if neurons is not None:
        arrays |= {
            "neurons_ids": neurons.ids.astype(np.int64),
            "neurons_doc": neurons.doc.astype(np.int64),
            "neurons_top_val": neurons.top_val,
            "neurons_top_pos": neurons.top_pos.astype(np.int64),
        }
    entity_meta = {k: getattr(entity, k) for k in ("layer", "head", "weight", "baseline", "n", "n_correct")}
    meta = {
        "format": FORMAT,
        "weights_sha256": weights_digest(analyses.backend),
        "settings": json.dumps(SETTINGS),
        "entity": json.dumps(entity_meta),
    }
    path = Path(folder) / FILE
    save_file({k: np.ascontiguousarray(v) for k, v in arrays.items()}, str(path), metadata=meta)
    return path


def stale_reason(path: Path, backend: Backend) -> str | None:
    """Why the file at `path` cannot be used for `backend` (None: it can)."""
    try:
        with safe_open(str(path), "np") as f:
            meta = f.metadata() or {}
    except Exception as e:  # a damaged file is only a cache: say why and compute instead
        return f"unreadable ({type(e).__name__})"
    if meta.get("format") != FORMAT:
        return f"format {meta.get('format')!r}, not {FORMAT!r}"
    if meta.get("settings") != json.dumps(SETTINGS):
        return "computed with other settings"
    if meta.get("weights_sha256") != weights_digest(backend):
        return "computed from other weights"
    return None


def read(path: Path, backend: Backend) -> dict[str, object]:
    """The analyses stored at `path`, as `ModelAnalyses` keeps them; {} when the file does not match `backend`."""
    if stale_reason(path, backend) is not None:
        return {}
    with safe_open(str(path), "np") as f:
        meta, arrays = f.metadata(), {k: f.get_tensor(k) for k in f.keys()}
    e = json.loads(meta["entity"])
    values: dict[str, object] = {
        "map_ids": arrays["map_ids"],
        "pca": em.Projection(arrays["pca_mean"], arrays["pca_components"], arrays["pca_explained"]),
        "entity": inside.EntityHead(
            e["layer"], e["head"], e["weight"], arrays["entity_table"], e["baseline"], e["n"], e["n_correct"]
        ),
        "neurons": inside.NeuronIndex(
            arrays["neurons_ids"], arrays["neurons_doc"], arrays["neurons_top_val"], arrays["neurons_top_pos"]
        )
        if "neurons_ids" in arrays
        else None,
    }
    values |= {f"tsne{d}": arrays[f"tsne{d}"] for d in TSNE_DIMS}
    return values
