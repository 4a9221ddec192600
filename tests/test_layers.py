"""The shape of the code, read from its imports (ast, nothing is imported): no import cycle anywhere in the repository,
imports inside explainer/ only go down its layers, and only explainer/ui/ imports streamlit there."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["explainer", "app_pages", "tests", "bench", "streamlit_app.py", "app_server.py"]
# explainer/'s layers, bottom to top. A module may import its own entry (its folder, or its file at the top level) and
# any entry of a lower layer; never one above, nor the other entry of its own layer.
LAYERS: list[tuple[str, ...]] = [
    ("explainer.i18n",),  # translations: every layer above may show text
    ("explainer.config", "explainer.format", "explainer.files"),  # settings; text for people; files replaced whole
    ("explainer.model",),  # the GPT, tokenizers, checkpoints, sampling, device
    ("explainer.backends",),  # one interface over every model
    ("explainer.generation",),  # the chat script, replies, next-token runs
    ("explainer.corpus",),  # the built-in corpus
    ("explainer.training",),  # runs, the trainer, the run store, feedback
    ("explainer.analysis",),  # inside the model, embeddings, scale, benchmarks
    ("explainer.classroom",),  # class polls: a class's guesses, kept where every replica reads them
    ("explainer.charts",),  # figures
    ("explainer.ui.shell",),  # navigation, presenter mode, sidebar, lesson, model loading
    ("explainer.cli", "explainer.ui"),  # the command line; the pages' helpers
    ("explainer.__main__",),
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    """Every Python module of the repository's code, tests and benchmarks, by its dotted name."""
    paths = []
    for source in SOURCES:
        top = ROOT / source
        paths += [top] if top.is_file() else sorted(top.rglob("*.py"))
    return {module_name(p): p for p in paths if "screenshots" not in p.parts}


def _resolve(name: str) -> str | None:
    """The repository module an imported name lands in (the longest known prefix), or None for outside code."""
    while name:
        if name in modules():
            return name
        name = name.rpartition(".")[0]
    return None


@cache
def imports(module: str) -> frozenset[str]:
    """The repository modules `module` imports anywhere in its file (top level, functions, TYPE_CHECKING)."""
    path = modules()[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str | None] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {_resolve(a.name) for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found |= {_resolve(f"{base}.{a.name}") or _resolve(base) for a in node.names}
    found.discard(None)
    found.discard(module)
    return frozenset(found)


def layer_of(module: str) -> tuple[int, str] | None:
    """(rank, entry) of an explainer module: the most specific entry of LAYERS that holds it."""
    best = None
    for rank, entries in enumerate(LAYERS):
        for entry in entries:
            if (module == entry or module.startswith(entry + ".")) and (best is None or len(entry) > len(best[1])):
                best = (rank, entry)
    return best


def cycles() -> list[list[str]]:
    """Strongly connected groups of more than one module in the import graph (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(imports(v)):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(modules()):
        if v not in index:
            visit(v)
    return groups


def explainer_modules() -> list[str]:
    return [m for m in modules() if m.startswith("explainer.")]


# ----------------------------------------------------------------------------- the rules
def test_the_scan_sees_the_code() -> None:
    assert {"explainer.config", "explainer.model.gpt", "explainer.ui.shell.navigation", "streamlit_app"} <= set(
        modules()
    )
    assert "explainer.model.gpt" in imports("explainer.backends.builtin")  # absolute imports
    assert "explainer.backends.base" in imports("explainer.backends.hf")


def test_no_import_cycle() -> None:
    assert cycles() == [], "modules that import each other, directly or around a loop"


def test_every_explainer_module_has_a_layer() -> None:
    assert [m for m in explainer_modules() if layer_of(m) is None] == [], "add its folder to LAYERS"


def test_imports_only_go_down_the_layers() -> None:
    upward = []
    for module in explainer_modules():
        rank, entry = layer_of(module)
        for target in imports(module):
            if not target.startswith("explainer.") or target == "explainer":
                continue
            their_rank, their_entry = layer_of(target)
            if their_entry != entry and their_rank >= rank:
                upward.append(f"{module} -> {target}")
    assert upward == [], "an import up the layers (or across to the other entry of the same layer)"


def test_only_the_ui_imports_streamlit() -> None:
    def uses_streamlit(module: str) -> bool:
        tree = ast.parse(modules()[module].read_text(encoding="utf-8"))
        names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and not n.level]
        return any(name == "streamlit" or name.startswith("streamlit.") for name in names)

    outside = [m for m in explainer_modules() if not m.startswith("explainer.ui") and uses_streamlit(m)]
    assert outside == [], "the core stays plain Python: streamlit belongs in explainer/ui/"
    assert uses_streamlit("explainer.ui.shell.navigation"), "the check itself finds streamlit"
