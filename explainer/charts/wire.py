"""The figure as Streamlit sends it, made without plotly's deep copy.

Streamlit turns a figure into JSON through `fig.to_dict()`, which deep-copies every trace and the layout (every hover
text of a heat map included) and then walks all of it to find numpy arrays, asking narwhals of each whether it is a
dataframe: 1.2 ms for the attention page's grid of heads, 2.1 ms for the map of 1,500 words, on every click. The
sender only reads the result. Here `to_dict` copies the dicts (and the lists that hold dicts or arrays), shares
every other list and value, and writes numpy arrays as plotly.js typed arrays itself: the same JSON (the chart tests
compare the two for every figure they build) in half the time or less.
"""

from __future__ import annotations

import base64

import numpy as np
import plotly.graph_objects as go
from _plotly_utils.utils import to_typed_array_spec

SKIPPED_KEYS = frozenset({"geojson", "layer", "layers", "range"})  # plotly leaves these as they are
TYPED = {  # numpy dtype -> plotly.js typed array name (plotly's own table)
    "int8": "i1",
    "uint8": "u1",
    "int16": "i2",
    "uint16": "u2",
    "int32": "i4",
    "uint32": "u4",
    "float32": "f4",
    "float64": "f8",
}
_INTS = [np.int8, np.int16, np.int32]  # plotly.js has no 64-bit ints: the smallest that holds the values
_UINTS = [np.uint8, np.uint16, np.uint32]


def typed_array(a: np.ndarray):
    """`a` as plotly.js's {"dtype", "bdata"[, "shape"]}, as plotly writes it; anything but numbers as plotly does."""
    if a.dtype.kind not in "iuf" or a.size == 0:
        return to_typed_array_spec(a)
    if a.dtype in (np.int64, np.uint64):
        lo, hi = a.min(), a.max()
        kinds = _UINTS if a.dtype == np.uint64 else _INTS
        fits = [t for t in kinds if np.iinfo(t).min <= lo and hi <= np.iinfo(t).max]
        if not fits:
            return a
        a = a.astype(fits[0])
    name = TYPED.get(str(a.dtype))
    if name is None:  # float16 and the like: plotly leaves them to the JSON encoder
        return a
    spec = {"dtype": name, "bdata": base64.b64encode(np.ascontiguousarray(a)).decode("ascii")}
    if a.ndim > 1:
        spec["shape"] = str(a.shape)[1:-1]
    return spec


def wire_copy(node):
    """A copy of a figure's dicts for sending: numpy arrays as typed arrays, plain lists and values shared."""
    if isinstance(node, dict):
        return {k: (v if k in SKIPPED_KEYS else wire_copy(v)) for k, v in node.items()}
    if isinstance(node, np.ndarray):
        return typed_array(node)
    if isinstance(node, (list, tuple)) and node and isinstance(node[0], (dict, list, tuple, np.ndarray)):
        return [wire_copy(v) for v in node]
    return node  # a list of numbers or texts: an array that is not numpy is sent as a list either way


class WireFigure(go.Figure):
    """A plotly figure whose `to_dict` is `wire_copy` (no deep copy). Read the result; to change a figure, change
    the figure (and not one that is frozen)."""

    _wire: dict | None = None

    def freeze(self) -> WireFigure:
        """Copy it once for sending, from now on: for a figure that no one changes any more (one shared by every
        session). Every `to_dict` then returns that one copy: read it only."""
        self._wire = None
        self._wire = self.to_dict()
        return self

    def to_dict(self) -> dict:
        if self._wire is not None:
            return self._wire
        spec = {"data": wire_copy(self._data), "layout": wire_copy(self._layout)}
        if self._frame_objs:
            spec["frames"] = wire_copy([frame._props for frame in self._frame_objs])
        return spec
