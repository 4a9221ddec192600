"""The server-side run store: a student's run survives a refresh.

root/<run id>/
  CURRENT                 the name of the save folder in use (replaced atomically)
  save-<step>-<rand>/     model.safetensors, config.json, tokenizer.json  (a checkpoint folder)
                          + optimizer.safetensors, state.json (spec, history, samples, RNG...)
  text.txt                the training text (not for the built-in corpus, which is regenerated)
  snapshots/your-model-step-N/  frozen checkpoints handed to the other pages ("use this model")

A save writes a new folder, then swaps CURRENT, then removes older saves (keeping the
previous one), so a refresh mid-save always finds a complete run. Nothing is unpickled.
"""

from __future__ import annotations

import io
import json
import os
import secrets
import shutil
import tempfile
import time
import zipfile
from pathlib import Path

from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from explainer.config import settings
from explainer.files import replace_file
from explainer.format import number
from explainer.i18n import _
from explainer.model.checkpoints import CONFIG, TOKENIZER, WEIGHTS, CheckpointError, load_checkpoint, save_checkpoint
from explainer.model.gpt import SizeLimits
from explainer.training.data import prepare_data, text_digest
from explainer.training.run import Run, make_run
from explainer.training.spec import PAGE_LIMITS, RunSpec
from explainer.training.text import builtin_text, load_text

OPTIMIZER = "optimizer.safetensors"
STATE = "state.json"
CURRENT = "CURRENT"
TEXT = "text.txt"
SNAPSHOTS = "snapshots"
ZIP_NAMES = (WEIGHTS, CONFIG, TOKENIZER)
MAX_ZIP_BYTES = 200_000_000
# What a run folder or an uploaded zip may hold: the training page's own limits (explainer.training.spec.PAGE_LIMITS).
MODEL_LIMITS = SizeLimits(
    vocab_size=PAGE_LIMITS.vocab_size[1], context_length=PAGE_LIMITS.context_length[1],
    n_layer=PAGE_LIMITS.n_layer[1], n_head=PAGE_LIMITS.n_head[1], d_model=PAGE_LIMITS.d_model[1], params=200_000_000,
)  # fmt: skip


class RunStore:
    def __init__(self, root: str | Path | None = None, max_age_hours: float | None = None, max_total_mb=None):
        config = settings()  # LLM_EXPLAINER_RUNS, _RUNS_MAX_AGE_HOURS, _RUNS_MAX_MB
        self.root = Path(root) if root is not None else config.runs
        self.max_age_hours = max_age_hours if max_age_hours is not None else config.runs_max_age_hours
        self.max_total_mb = max_total_mb if max_total_mb is not None else config.runs_max_mb

    # ------------------------------------------------------------------ ids
    @staticmethod
    def new_id() -> str:
        return secrets.token_hex(8)

    @staticmethod
    def valid_id(s) -> bool:
        return isinstance(s, str) and 8 <= len(s) <= 64 and all(c in "0123456789abcdef" for c in s)

    def _dir(self, run_id: str) -> Path:
        if not self.valid_id(run_id):
            raise ValueError(_("That run id is not valid."))
        return self.root / run_id

    def _current(self, run_id: str) -> Path:
        d = self._dir(run_id)
        try:
            name = (d / CURRENT).read_text(encoding="utf-8").strip()
        except OSError:
            raise ValueError(
                _("No saved run {run_id!r} (it may have been cleaned up).").format(run_id=run_id)
            ) from None
        if not name.startswith("save-") or "/" in name or not (d / name).is_dir():
            raise ValueError(_("The saved run {run_id!r} is incomplete.").format(run_id=run_id))
        return d / name

    def exists(self, run_id: str) -> bool:
        try:
            self._current(run_id)
            return True
        except ValueError:
            return False

    def delete(self, run_id: str) -> None:
        shutil.rmtree(self._dir(run_id), ignore_errors=True)

    # ------------------------------------------------------------------ save / load
    def save(self, run_id: str, run: Run) -> Path:
        d = self._dir(run_id)
        d.mkdir(parents=True, exist_ok=True)
        if not (d / TEXT).exists() and (run.spec.source != "builtin" or run.data.text != builtin_text()):
            replace_file(d / TEXT, run.data.text.encode("utf-8"))  # the built-in corpus is regenerated
        folder = d / f"save-{run.trainer.step_count:07d}-{secrets.token_hex(3)}"
        save_checkpoint(run.model, run.data.tokenizer, folder, {"spec": run.spec.to_dict()})
        tensors, meta = run.trainer.optimizer_state()
        save_file(tensors, str(folder / OPTIMIZER))
        state = {"spec": run.spec.to_dict(), "trainer": meta, "samples": [list(s) for s in run.samples]}
        (folder / STATE).write_text(json.dumps(state), encoding="utf-8")
        replace_file(d / CURRENT, folder.name.encode())
        keep = {folder.name}
        saves = sorted((p for p in d.glob("save-*") if p.name not in keep), key=lambda p: p.stat().st_mtime)
        for old in saves[:-1]:  # keep the previous save for a reader that is halfway through it
            shutil.rmtree(old, ignore_errors=True)
        return folder

    def load(self, run_id: str, device=None) -> Run:
        folder = self._current(run_id)
        try:
            state = json.loads((folder / STATE).read_text(encoding="utf-8"))
            spec = RunSpec.from_dict(state["spec"]).validate(PAGE_LIMITS)
            model, tok, _meta = load_checkpoint(folder, MODEL_LIMITS)
            tensors = load_file(str(folder / OPTIMIZER))
            text = self._text(run_id)
            data = prepare_data(text, spec.tokenizer, tokenizer=tok)
            run = make_run(spec, data, model, device, PAGE_LIMITS)
            run.trainer.load_optimizer_state(tensors, state["trainer"])
            run.samples = [(int(s), str(t)) for s, t in state.get("samples", [])]
        except (OSError, KeyError, TypeError, AttributeError, SafetensorError, json.JSONDecodeError) as e:
            raise ValueError(
                _("The saved run {run_id!r} cannot be loaded ({name__}).").format(
                    run_id=run_id, name__=type(e).__name__
                )
            ) from None
        except (CheckpointError, ValueError) as e:
            raise ValueError(_("The saved run {run_id!r} cannot be loaded: {e}").format(run_id=run_id, e=e)) from None
        _touch(self._dir(run_id))
        return run

    def _text(self, run_id: str) -> str:
        path = self._dir(run_id) / TEXT
        if path.exists():
            return path.read_text(encoding="utf-8")
        return load_text("builtin")

    def snapshot(self, run_id: str, run: Run) -> Path:
        """A checkpoint folder for this step that never changes (safe under a cached model). Its metadata says which
        part of the run's text it trains on (the first `train_chars` characters, `train_tokens` tokens, their digest),
        so that the pages can look texts up in it (`snapshot_text`)."""
        folder = self._dir(run_id) / SNAPSHOTS / f"your-model-step-{run.trainer.step_count}"
        if not (folder / CONFIG).exists():
            tmp = folder.with_name(folder.name + f".tmp-{secrets.token_hex(3)}")
            data = run.data
            read = {"train_chars": data.train_chars, "train_tokens": len(data.train_ids),
                    "train_digest": text_digest(data.train_text), "tokens_seen": run.trainer.tokens_seen}  # fmt: skip
            save_checkpoint(run.model, run.data.tokenizer, tmp, {"spec": run.spec.to_dict(), **read})
            try:
                tmp.rename(folder)
            except OSError:  # someone else made it first
                shutil.rmtree(tmp, ignore_errors=True)
        return folder

    def snapshot_text(self, folder: str | Path, source: str) -> str | None:
        """The whole text (training and validation parts) of the run that `folder` is a snapshot of, None when
        `folder` is not a snapshot of a run kept here (or its text is gone). `source`: the run's, from its metadata."""
        folder = Path(folder).resolve()
        run_dir = folder.parent.parent
        if folder.parent.name != SNAPSHOTS or run_dir.parent != self.root.resolve() or not self.valid_id(run_dir.name):
            return None
        try:
            return (run_dir / TEXT).read_text(encoding="utf-8")
        except FileNotFoundError:
            return builtin_text() if source == "builtin" else None  # the built-in corpus is regenerated, not saved
        except (OSError, UnicodeError):
            return None

    # ------------------------------------------------------------------ zip
    def export_zip(self, run_id: str) -> bytes:
        folder = self._current(run_id)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for name in ZIP_NAMES:
                z.write(folder / name, name)
        return buf.getvalue()

    def import_zip(
        self, data: bytes, device=None, text: str | None = None, source: str | None = None, source_name=None
    ) -> tuple[str, Run]:
        """A downloaded run back in: validated, never unpickled, then a new run that continues
        training from those weights (fresh optimizer) on `text` (default: the built-in corpus);
        source / source_name say where that text came from (default "upload", "your text")."""
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            extract_checkpoint_zip(data, folder)
            try:
                model, tok, meta = load_checkpoint(folder, MODEL_LIMITS)
            except CheckpointError as e:
                msg = str(e).replace(str(folder) + os.sep, "")
                raise ValueError(_("The zip is not a usable model: {msg}").format(msg=msg)) from None
        c = model.cfg
        old = meta.get("spec") if isinstance(meta.get("spec"), dict) else {}
        spec = RunSpec.from_dict({**old, "tokenizer": tok.kind, "vocab_size": None, "compile": False})
        spec.n_layer, spec.n_head, spec.d_model, spec.context_length = c.n_layer, c.n_head, c.d_model, c.context_length
        if text is None:
            spec.source, spec.source_name = "builtin", "built-in corpus"
            text = load_text("builtin")
        else:
            spec.source, spec.source_name = source or "upload", source_name or "your text"
        try:  # the page's limits apply to a zip's settings too
            spec.validate(PAGE_LIMITS)
        except ValueError as e:
            raise ValueError(_("The zip's settings are outside what this page allows: {e}.").format(e=e)) from None
        run = make_run(spec, prepare_data(text, tok.kind, tokenizer=tok), model, device, PAGE_LIMITS)
        run_id = self.new_id()
        self.save(run_id, run)
        return run_id, run

    # ------------------------------------------------------------------ cleanup
    def cleanup(self) -> int:
        """Remove runs older than max_age_hours, then the oldest until under max_total_mb."""
        if not self.root.is_dir():
            return 0
        runs = []
        for d in self.root.iterdir():
            if d.is_dir() and self.valid_id(d.name):
                runs.append((_last_used(d), _size(d), d))
        runs.sort()  # oldest first
        removed, now = 0, time.time()
        total = sum(size for _rid, size, _at in runs)
        for used, size, d in runs:
            too_old = now - used > self.max_age_hours * 3600
            too_big = total > self.max_total_mb * 1e6
            if not (too_old or too_big):
                continue
            shutil.rmtree(d, ignore_errors=True)
            total -= size
            removed += 1
        return removed


def extract_checkpoint_zip(data: bytes, folder: Path) -> None:
    """Write the three checkpoint files from a zip into folder; ValueError on anything else."""
    if len(data) > MAX_ZIP_BYTES:
        raise ValueError(
            _("The zip is too large: {n_data} bytes (the limit is {max_zip_bytes}).").format(
                n_data=number(len(data)), max_zip_bytes=number(MAX_ZIP_BYTES)
            )
        )
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ValueError(_("That file is not a zip: download a model zip from the training page.")) from None
    with z:
        infos = z.infolist()
        names = sorted(i.filename for i in infos)
        if names != sorted(ZIP_NAMES):
            raise ValueError(
                _("The zip must hold exactly {zip_names} (found: {names}).").format(
                    zip_names=", ".join(ZIP_NAMES), names=", ".join(names)[:200]
                )
            )
        if sum(i.file_size for i in infos) > MAX_ZIP_BYTES:
            raise ValueError(
                _("The zip unpacks to more than {max_zip_bytes} bytes.").format(max_zip_bytes=number(MAX_ZIP_BYTES))
            )
        for info in infos:
            try:
                (folder / info.filename).write_bytes(z.read(info))
            except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as e:
                raise ValueError(
                    _("The zip is damaged ({filename}: {name__}).").format(
                        filename=info.filename, name__=type(e).__name__
                    )
                ) from None


def _touch(d: Path) -> None:
    try:
        os.utime(d / CURRENT)
    except OSError:
        pass


def _last_used(d: Path) -> float:
    try:
        return (d / CURRENT).stat().st_mtime
    except OSError:
        return d.stat().st_mtime


def _size(d: Path) -> int:
    return sum(p.stat().st_size for p in d.rglob("*") if p.is_file())
