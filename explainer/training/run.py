"""A run: a spec, its prepared text, a model and the trainer that trains it. Shared by the training page and
`llm-explainer train`; every bad choice raises ValueError with a one-line message meant for the user."""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from explainer.backends.builtin import BuiltinBackend
from explainer.format import number
from explainer.i18n import _
from explainer.model.device import pick_device
from explainer.model.gpt import GPT
from explainer.model.sampling import SamplingParams
from explainer.model.seeding import seeded
from explainer.training.data import TrainingData, prepare_data
from explainer.training.spec import CLI_LIMITS, RunSpec, SpecLimits, memory_problem
from explainer.training.trainer import Trainer


@dataclass
class Run:
    spec: RunSpec
    data: TrainingData
    model: GPT
    trainer: Trainer
    samples: list[tuple[int, str]] = field(default_factory=list)  # (step, generated text)


def new_run(spec: RunSpec, text: str, device: str | torch.device | None = None, limits: SpecLimits = CLI_LIMITS) -> Run:
    """A fresh model and trainer for `spec` on `text`."""
    spec.validate(limits)
    return make_run(spec, prepare_data(text, spec.tokenizer, spec.vocab_size), None, device, limits)


def make_run(
    spec: RunSpec,
    data: TrainingData,
    model: GPT | None,
    device: str | torch.device | None = None,
    limits: SpecLimits = CLI_LIMITS,
) -> Run:
    """A run on prepared data; a new model (seeded) unless one is given. `spec` is checked against `limits`
    (ranges and the memory budget) before anything is built."""
    spec.validate(limits)
    if problem := memory_problem(spec, data.tokenizer.vocab_size, limits):
        raise ValueError(problem[0].upper() + problem[1:] + ".")
    dev = device if isinstance(device, torch.device) else pick_device(device)
    need = spec.context_length + 2
    if len(data.train_ids) < need:
        raise ValueError(
            _(
                "The training text gives {n_train_ids} tokens; a context of {context_length} needs at least {need}. "
                "Use more text, a shorter context or a finer tokenizer."
            ).format(n_train_ids=number(len(data.train_ids)), context_length=spec.context_length, need=number(need))
        )
    if model is None:
        with seeded(spec.seed):
            model = GPT(spec.model_config(data.tokenizer.vocab_size))
    trainer = Trainer(model, data.train_ids, data.val_ids, spec.train_config(), device=dev)
    return Run(spec, data, model, trainer)


def run_backend(run: Run, name: str | None = None) -> BuiltinBackend:
    """The run's model behind the Backend interface (read-only use: bars, attention, sampling)."""
    return BuiltinBackend(run.model, run.data.tokenizer, name or "your model", "trained", run.trainer.device)


def sample_text(run: Run, prompt: str, n_tokens: int = 80, seed: int = 0, temperature: float = 0.8) -> str:
    """Text the model writes after `prompt` (an empty prompt starts from the first training token)."""
    backend = run_backend(run)
    ids = backend.encode(prompt) if prompt else []
    if not ids:
        ids = run.data.train_ids[:1].tolist()
        prompt = backend.decode(ids)
    gen = torch.Generator().manual_seed(seed)
    params = SamplingParams(temperature=temperature)
    steps = list(backend.generate(ids, n_tokens, params, gen))
    return prompt + "".join(s.text for s in steps)
