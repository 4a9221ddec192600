"""Checks for the CLI's arguments, run by argparse as it parses (`type=`), before torch is imported: a bad argument
is refused at once instead of after the ~3 s of loading torch and the model. Each uses the app's own rule (the
sampler's, the device names', the model specs'), so the CLI and the app refuse the same things."""

from __future__ import annotations

import argparse

from explainer.backends.spec import local_folder
from explainer.config import device_name
from explainer.model.sampling_params import SamplingParams, check_seed


def text(value: str) -> str:
    """A prompt or a message: at least one word, valid UTF-8."""
    if not value.strip():
        raise argparse.ArgumentTypeError("the text is empty: give at least one word")
    try:
        value.encode("utf-8")  # bytes that are not UTF-8 reach argv as lone surrogates
    except UnicodeEncodeError:
        raise argparse.ArgumentTypeError(
            "the text is not valid UTF-8: check your terminal's character encoding"
        ) from None
    return value


def _number(value: str, kind: type) -> int | float:
    try:
        return kind(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid {kind.__name__} value: {value!r}") from None


def positive(value: str) -> int:
    """A count that must be at least 1 (--top, --max-new, --limit)."""
    n = _number(value, int)
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {n}")
    return n


def _by(rule, value):
    """`value` (or what `rule` made of it) once `rule(value)`, the app's own check, accepts it; argparse's error with
    the rule's message when it raises ValueError."""
    try:
        out = rule(value)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None
    return value if out is None else out


def sampling(field: str, kind: type):
    """The parser of one sampling setting, checked by SamplingParams' own rules."""
    return lambda value: _by(lambda x: SamplingParams(**{field: x}).validate(), _number(value, kind))


def seed(value: str) -> int:
    """A random seed, checked by the sampler's own rule."""
    return _by(check_seed, _number(value, int))


def device(value: str) -> str:
    """auto, cpu, cuda, cuda:N or mps, by the form only (whether the machine has it is known once torch is in)."""
    return _by(device_name, value)


def model(value: str) -> str:
    """builtin, a checkpoint folder that exists, or hf:ID (the Hub is asked when the model loads)."""
    _by(local_folder, value)
    return value
