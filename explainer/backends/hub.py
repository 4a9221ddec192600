"""The one place that talks to the Hugging Face Hub: which names are Hub ids, what the Hub knows about one (the one
probe, a few seconds at most), a model's size from its metadata before any download, a model's snapshot (config,
tokenizer and safetensors files only) and a dataset's text read from its files on the Hub.

A Hub id names a repository on the Hub, never a path: a model or dataset named by one is read from the Hub (or the
Hub's cache), even if a local folder of that name exists; a name that is not in the Hub's form is refused here
without touching the file system. The hub client's own settings apply (HF_ENDPOINT, HF_HUB_OFFLINE, proxies, token).
"""

from __future__ import annotations

import re
from pathlib import Path

from explainer.config import MAX_HUB_MB, hub_limit_mb
from explainer.format import number
from explainer.i18n import _

PROBE_TIMEOUT_S = 5.0
MODEL_FILES = (".json", ".txt", ".model", ".tiktoken", ".jinja", ".safetensors")  # config, tokenizer, weights
DATA_FORMATS = {".parquet": "parquet", ".jsonl": "json", ".json": "json", ".txt": "text", ".csv": "csv"}  # best first
NOT_DATA = ("dataset_info", "dataset_dict", "state.json", "config.json", ".")  # metadata that looks like data
MAX_DATA_FILES = 8  # the first few files hold far more than MAX_BYTES
DATASET_HINT = (
    "Give a Hugging Face dataset id such as 'roneneldan/TinyStories' (owner/name); "
    "folders on the server are never read."
)
_BYTES = {"F64": 8, "I64": 8, "F16": 2, "BF16": 2, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1}  # else 4 (F32, I32)


class HubUnreachable(ValueError):
    """The Hub cannot be asked (no network, HF_HUB_OFFLINE=1); the message says which."""


class _NoText(Exception):
    pass


def is_hub_id(s: object) -> bool:
    """True for a name in the Hub's form ('gpt2', 'owner/name': ASCII letters, digits, '_', '.', '-'; no leading or
    trailing '.' or '-', no '..' or '--', at most 96 characters a part), the Hub client's own rule. Pure string work."""
    if not isinstance(s, str) or not s.isascii():
        return False
    from huggingface_hub.utils import validate_repo_id

    try:
        validate_repo_id(s)
    except ValueError:  # HFValidationError
        return False
    return True


def where() -> str:
    """The Hub's host as people read it: 'huggingface.co', or the mirror in HF_ENDPOINT."""
    from huggingface_hub import constants

    return re.sub(r"^\w+://", "", constants.ENDPOINT).rstrip("/")


def repo_info(repo: str, repo_type: str = "model", revision: str | None = None):
    """The Hub's metadata on `repo` (its files, with sizes): the one probe, answered within PROBE_TIMEOUT_S even
    without a network. HubUnreachable if the Hub cannot be asked, ValueError (a short reason) if it says no."""
    from huggingface_hub import HfApi, errors

    try:
        return HfApi().repo_info(
            repo, repo_type=repo_type, revision=revision, files_metadata=True, timeout=PROBE_TIMEOUT_S
        )
    except errors.OfflineModeIsEnabled:
        raise HubUnreachable(_("the Hub is switched off here (HF_HUB_OFFLINE=1)")) from None
    except errors.GatedRepoError:
        raise ValueError(
            _("it is gated on {where} (it needs an accepted licence and a token)").format(where=where())
        ) from None
    except errors.RepositoryNotFoundError:
        raise ValueError(
            _("{where} has no public {repo_type} of that name").format(where=where(), repo_type=repo_type)
        ) from None
    except errors.HfHubHTTPError as e:
        raise ValueError(f"{where()} answered: {first_line(e)}") from None
    except Exception:  # connection refused, timeout, DNS, proxy: the client's error types vary between versions
        raise HubUnreachable(_("{where} cannot be reached (no internet?)").format(where=where())) from None


def first_line(e: Exception, most: int = 200) -> str:
    """An error's first line, for one line on stderr or in a message (with the lines it announces, where it ends with
    a colon: transformers lists what it tried there), at most `most` characters."""
    lines = [line.strip() for line in str(e).strip().splitlines() if line.strip()] or [type(e).__name__]
    line = " ".join(lines) if lines[0].endswith(":") else lines[0]
    return line if len(line) <= most else line[: most - 1].rstrip() + "…"


# ----------------------------------------------------------------------------- models
def _model_file(name: str) -> bool:
    return "/" not in name and name.endswith(MODEL_FILES)


def model_mb(info) -> float | None:
    """Megabytes a model's snapshot downloads (its config, tokenizer and safetensors files), from the Hub's metadata:
    the files' sizes, else the safetensors parameter counts; None if neither is known."""
    files = [s for s in info.siblings or [] if _model_file(s.rfilename)]
    if files and all(s.size is not None for s in files):
        return sum(s.size for s in files) / 1e6
    st = getattr(info, "safetensors", None)
    return sum(n * _BYTES.get(dt, 4) for dt, n in st.parameters.items()) / 1e6 if st else None


def check_size(mb: float | None) -> None:
    limit = hub_limit_mb()
    if mb is None:
        raise ValueError(_("the Hub does not say how large it is, so it is not loaded here"))
    if mb > limit:
        raise ValueError(
            _("it is {mb} MB; this server loads Hub models up to {limit} MB ({max_hub_mb})").format(
                mb=number(mb, 0), limit=number(limit, 0), max_hub_mb=MAX_HUB_MB
            )
        )


def model_folder(repo: str) -> Path:
    """The local snapshot of Hub model `repo` (config, tokenizer and safetensors files; never a pickled .bin): from
    the Hub's cache, else downloaded after a size check on the Hub's metadata. ValueError (one line) if it cannot be."""
    try:
        return _snapshot(repo)
    except Exception as e:  # a download cut short, a full disk, ...: one line
        raise ValueError(
            _("cannot load Hugging Face model {repo!r}: {first_line}").format(repo=repo[:100], first_line=first_line(e))
        ) from None


def _snapshot(repo: str) -> Path:
    from huggingface_hub import snapshot_download

    if not is_hub_id(repo):
        raise ValueError(_("not a Hub id (name or owner/name)"))
    patterns = [f"*{ext}" for ext in MODEL_FILES]
    try:  # downloaded before (all that HF_HUB_OFFLINE=1 reads)
        folder = Path(snapshot_download(repo, allow_patterns=patterns, local_files_only=True))
    except Exception:  # not in the cache, or only partly
        folder = None
    if folder is None or not any(folder.glob("*.safetensors")):
        try:
            info = repo_info(repo)
        except HubUnreachable as e:
            raise ValueError(_("it is not on this computer yet, and {e}").format(e=e)) from None
        files = [s.rfilename for s in info.siblings or [] if _model_file(s.rfilename)]
        if not any(f.endswith(".safetensors") for f in files):
            raise ValueError(_("it has no safetensors weights (pickled .bin files are never loaded)"))
        check_size(model_mb(info))  # before any download
        folder = Path(snapshot_download(repo, revision=info.sha, allow_patterns=files, etag_timeout=PROBE_TIMEOUT_S))
    check_size(sum(p.stat().st_size for p in folder.glob("*.safetensors")) / 1e6)  # what the cache holds, too
    return folder


# ----------------------------------------------------------------------------- datasets
def data_files(names: list[str]) -> tuple[str, list[str]]:
    """(builder, files) that hold a dataset's train split, from the names of its files on the Hub: the files named
    'train' if any, in the first format of DATA_FORMATS that has some; ('', []) if there are none."""
    names = sorted(n for n in names if not any(p.startswith(NOT_DATA) for p in n.split("/")))
    train = [n for n in names if re.search(r"(?<![a-z])train(?![a-z])", n.lower())]
    for group in (train, names):
        for ext, builder in DATA_FORMATS.items():
            if found := [n for n in group if n.lower().endswith(ext)]:
                return builder, found[:MAX_DATA_FILES]
    return "", []


def dataset_text(dataset_id: str, max_chars: int) -> str:
    """The text column ('text', else the first string column) of a Hub dataset's train split, first max_chars
    characters. Only Hub ids: anything else gets DATASET_HINT, whether or not such a path exists (none is looked at).
    The files are listed on the Hub and read as explicit hf:// URLs pinned to a commit, never as a local path."""
    if not is_hub_id(dataset_id):
        raise ValueError(DATASET_HINT)
    try:
        import datasets
    except ImportError:
        raise ValueError(_("Hugging Face datasets need the 'hf' extra: pip install 'llm-explainer[hf]'.")) from None
    name = repr(dataset_id)
    builder, files, sha = "", [], None
    for revision in (None, "refs/convert/parquet"):  # the dataset's own files, else the Hub's parquet conversion
        try:
            info = repo_info(dataset_id, "dataset", revision)
        except HubUnreachable as e:
            raise ValueError(
                _("Cannot fetch the dataset {name}: {e}. Use the built-in corpus or a file.").format(name=name, e=e)
            ) from None
        except ValueError as e:
            if revision:
                break
            raise ValueError(_("Could not load the dataset {name}: {e}.").format(name=name, e=e)) from None
        builder, files = data_files([s.rfilename for s in info.siblings or []])
        sha = info.sha
        if files:
            break
    if not files:
        raise ValueError(_("The dataset {name} has no parquet, JSON, CSV or text files to read.").format(name=name))
    urls = [f"hf://datasets/{dataset_id}@{sha}/{f}" for f in files]
    datasets.logging.set_verbosity_error()
    parts, n, column = [], 0, None
    try:
        for row in datasets.load_dataset(builder, data_files=urls, split="train", streaming=True):
            if column is None:
                column = "text" if "text" in row else next((k for k, v in row.items() if isinstance(v, str)), None)
                if column is None:
                    raise _NoText
            piece = row.get(column) or ""
            parts.append(piece)
            n += len(piece) + 1
            if n >= max_chars:
                break
    except _NoText:
        raise ValueError(_("The dataset {name} has no text column.").format(name=name)) from None
    except Exception as e:  # network, odd files: one line for the user
        raise ValueError(
            _("Could not load the dataset {name}: {first_line}").format(name=name, first_line=first_line(e))
        ) from None
    return "\n".join(parts)[:max_chars]
