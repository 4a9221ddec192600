"""Per-model analyses computed once: the shipped file matches the shipped model, and a file from other weights is
never used."""

import numpy as np
import pytest

from explainer.analysis import inside
from explainer.analysis import precomputed as pre
from explainer.analysis.precomputed import ModelAnalyses
from explainer.backends.load import load_backend
from explainer.config import BUILTIN_DIR

from .helpers import tiny_checkpoint


@pytest.fixture(scope="module")
def builtin():
    return load_backend("builtin", "cpu")


def test_the_shipped_file_was_computed_from_the_shipped_weights(builtin):
    """Fails after the model changes: run `llm-explainer precompute` to rebuild assets/builtin/analyses.safetensors."""
    assert pre.stale_reason(BUILTIN_DIR / pre.FILE, builtin) is None
    analyses = ModelAnalyses(builtin)
    assert analyses.loaded_from == BUILTIN_DIR / pre.FILE
    n = len(analyses.map_ids())
    assert analyses.tsne(2).shape == (n, 2) and analyses.tsne(3).shape == (n, 3)
    assert np.isfinite(analyses.tsne(3)).all()


def test_the_shipped_file_holds_what_the_model_computes(builtin):
    stored, fresh = ModelAnalyses(builtin), ModelAnalyses(builtin)
    fresh._values.clear()  # computed from the model, as for a model without the file
    assert np.array_equal(stored.map_ids(), fresh.map_ids())
    np.testing.assert_allclose(stored.pca().explained, fresh.pca().explained, rtol=1e-4)
    a, b = stored.entity_head(), fresh.entity_head()
    assert (a.layer, a.head, a.n, a.n_correct) == (b.layer, b.head, b.n, b.n_correct)
    np.testing.assert_allclose(a.table, b.table, atol=1e-5)
    na, nb = stored.neurons(), fresh.neurons()
    assert np.array_equal(na.ids, nb.ids)
    np.testing.assert_allclose(na.top_val, nb.top_val, atol=1e-4)


def test_a_written_file_is_read_back_and_a_changed_model_ignores_it(tmp_path):
    folder = tiny_checkpoint(tmp_path / "a", seed=0)
    backend = load_backend(str(folder), "cpu")
    pre.write(ModelAnalyses(backend), folder)
    again = ModelAnalyses(load_backend(str(folder), "cpu"))
    assert again.loaded_from == folder / pre.FILE
    np.testing.assert_array_equal(again.tsne(2), ModelAnalyses(backend).tsne(2))
    assert isinstance(again.entity_head(), inside.EntityHead)

    other = tiny_checkpoint(tmp_path / "b", seed=1)  # other weights, the same shapes
    (other / pre.FILE).write_bytes((folder / pre.FILE).read_bytes())
    changed = load_backend(str(other), "cpu")
    assert pre.stale_reason(other / pre.FILE, changed) == "computed from other weights"
    assert ModelAnalyses(changed).loaded_from is None


def test_a_damaged_file_is_ignored(tmp_path):
    folder = tiny_checkpoint(tmp_path / "a")
    (folder / pre.FILE).write_bytes(b"not a safetensors file")
    backend = load_backend(str(folder), "cpu")
    assert "unreadable" in pre.stale_reason(folder / pre.FILE, backend)
    assert ModelAnalyses(backend).loaded_from is None
