"""Human feedback in miniature: nudge a student's own copy of the model toward the answers they prefer.

After pre-training, chatbots get a second stage in which people's judgements change the parameters.
Here one student's comparison ("this answer is better than that one") becomes a few steps of Direct
Preference Optimisation (DPO, Rafailov et al. 2023) on the student's copy, measured against a frozen
reference copy (the model as it was before any feedback):

    margin = (log π(y_w|x) − log π_ref(y_w|x)) − (log π(y_l|x) − log π_ref(y_l|x))
    loss   = −log σ(β · margin)

where log π(y|x) sums the log-probabilities of the reply's tokens after the chat script x. A small plain
"learn this answer" term on y_w is added (as in RPO, Pang et al. 2024), so that the preferred answer itself
becomes more likely rather than only pulling away from the others. A flag ("this answer is unhelpful")
has no better answer to compare with; it uses the one-sided form of the same loss (negative preference
optimisation, Zhang et al. 2024):

    loss   = −(2/β) · log σ(−β · (log π(y|x) − log π_ref(y|x)))

which pushes the flagged answer below where the reference had it, and stops pushing once it is well
below, so one flag cannot wreck the rest of the model.

Real systems do this with many thousands of human comparisons over big datasets (often training a
separate reward model first); this is the same idea at classroom scale.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from explainer.backends.base import Backend, BackendError
from explainer.generation.chat import replies, reply_steps, reply_text
from explainer.generation.script import script_for
from explainer.i18n import _
from explainer.model.sampling import SamplingParams, make_generator

BETA = 0.5  # how far from the reference the copy may move before the loss stops pulling (larger: sooner)
LR = 1e-5  # Adam step size: every parameter moves by about this much per step
STEPS = 3  # optimiser steps per click
SFT_WEIGHT = 0.1  # a little plain "learn this answer" on the preferred one, so that its own probability rises
# (DPO alone only widens the gap, and can lower both answers; adding this term is common practice, e.g. RPO)
DONT_KNOW = ("I do not know.", "I don't know.")  # the fixed extra answer: the first one the tokenizer knows
MAX_ANSWER_TOKENS = 40


@dataclass(frozen=True)
class AnswerScore:
    answer: str
    logprob: float  # log π(answer | question), summed over the reply's tokens (its end included)
    n_tokens: int

    @property
    def per_token(self) -> float:
        """Geometric mean probability per token, so that a long answer and a short one compare."""
        return math.exp(self.logprob / max(self.n_tokens, 1))


@dataclass(frozen=True)
class UpdateResult:
    kind: str  # "prefer" | "flag"
    losses: list[float]  # the loss before each optimiser step
    seconds: float


# ----------------------------------------------------------------------------- encoding and scoring
def encode_answer(backend: Backend, question: str, answer: str) -> tuple[list[int], int]:
    """(ids of script + answer + its end, number of answer tokens at the end), cut from the left to the model's
    context. The end (a line break, or the model's end-of-turn marker) counts: it is how the model says the reply is
    over."""
    question, answer = question.strip(), answer.strip()
    if not question:
        raise ValueError(_("the question is empty: type a question"))
    if not answer:
        raise ValueError(_("the answer is empty"))
    form = script_for(backend)
    script, written = form.script([], question), form.answer(answer)  # the reply as the model would write it
    prompt, full = backend.encode(script), backend.encode(script + written)
    if full[: len(prompt)] == prompt:
        reply = full[len(prompt) :]
    else:  # a tokenizer that merges across the boundary: encode the reply on its own
        reply = backend.encode(written)
    room = backend.info.context_length - 1  # at least one script token before the reply
    if len(reply) > room:
        raise ValueError(
            _("the answer is too long for this model ({n_reply} tokens, at most {room})").format(
                n_reply=len(reply), room=room
            )
        )
    ids = (prompt + reply)[-backend.info.context_length :]
    return ids, len(reply)


def _batch(backend: Backend, question: str, answers: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    """Right-padded ids (B, T) and a mask (B, T - 1) of the positions that predict an answer token.
    Padding sits after every real token, so a causal model's real positions never see it."""
    return padded([encode_answer(backend, question, a) for a in answers])


def padded(rows: list[tuple[list[int], int]]) -> tuple[torch.Tensor, torch.Tensor]:
    """(token ids, how many at the end are scored) per row -> right-padded ids (B, T) and the mask (B, T - 1) of the
    positions that predict a scored token."""
    width = max(len(seq) for seq, _n in rows)
    ids = torch.zeros(len(rows), width, dtype=torch.long)
    mask = torch.zeros(len(rows), width - 1, dtype=torch.bool)
    for row, (seq, n_scored) in enumerate(rows):
        ids[row, : len(seq)] = torch.tensor(seq)
        mask[row, len(seq) - 1 - n_scored : len(seq) - 1] = True  # logits at t predict token t + 1
    return ids, mask


def reply_logprobs(backend: Backend, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """(B,) summed log-probability of each row's answer tokens (differentiable if grad is on). Logits are made
    only where an answer token is predicted (the built-in model's update: 147 -> 120 ms a click)."""
    where = F.pad(mask, (0, 1))  # (B, T): the logits at t predict token t + 1
    logits = backend.train_logits(ids, where)  # (N, V), N answer tokens in all
    targets = ids[:, 1:][mask].to(logits.device)  # (N,)
    token_lp = F.log_softmax(logits, -1).gather(-1, targets.unsqueeze(-1)).squeeze(-1)  # (N,)
    rows = mask.nonzero()[:, 0].to(logits.device)  # (N,) each answer token's row
    return torch.zeros(len(ids), device=logits.device, dtype=token_lp.dtype).index_add(0, rows, token_lp)


def score_answers(backend: Backend, question: str, answers: list[str]) -> list[AnswerScore]:
    """How likely the model is to write each answer to the question (no parameter changes)."""
    if not answers:
        return []
    ids, mask = _batch(backend, question, answers)
    with torch.no_grad():
        lp = reply_logprobs(backend, ids, mask).cpu()
    return [AnswerScore(a.strip(), float(v), int(m.sum())) for a, v, m in zip(answers, lp, mask)]


# ----------------------------------------------------------------------------- the updates
def optimise(student: Backend, loss_fn, steps: int, lr: float) -> list[float]:
    params = student.trainable_parameters()  # not the tables it shares with the model every student reads
    try:  # one fused kernel a step (the default on the CPU is a Python loop over every tensor)
        opt = torch.optim.Adam(params, lr=lr, fused=True)
    except (RuntimeError, ValueError, TypeError):  # a device without the fused kernel
        opt = torch.optim.Adam(params, lr=lr, foreach=True)
    losses = []
    for _step in range(steps):
        loss = loss_fn()
        for p, g in zip(params, torch.autograd.grad(loss, params)):  # no gradient lands on a shared tensor
            p.grad = g
        opt.step()
        losses.append(float(loss.detach()))
    opt.zero_grad(set_to_none=True)  # a student's copy stays in their session: without its gradients, half the size
    return losses


def _check(student: Backend, reference: Backend) -> None:
    if student is reference or student.module is reference.module:
        raise BackendError(_("the student's copy is the reference model itself: clone it first"))


def prefer(
    student: Backend,
    reference: Backend,
    question: str,
    chosen: str,
    rejected: list[str],
    steps: int = STEPS,
    lr: float = LR,
    beta: float = BETA,
) -> UpdateResult:
    """DPO steps on `student`: `chosen` is better than each of `rejected`. `reference` is only read."""
    rejected = [r for r in rejected if r.strip() and r.strip() != chosen.strip()]
    if not rejected:
        raise ValueError(_("pick an answer that differs from the others: there is nothing to prefer it to"))
    return prefer_votes(student, reference, question, [chosen, *rejected], [1] + [0] * len(rejected), steps, lr, beta)


def prefer_votes(
    student: Backend,
    reference: Backend,
    question: str,
    answers: list[str],
    votes: list[int],
    steps: int = STEPS,
    lr: float = LR,
    beta: float = BETA,
) -> UpdateResult:
    """DPO steps on `student` from many people's judgements: `votes[i]` people found `answers[i]` the best, so each
    of their votes is one comparison "answers[i] is better than each other answer". The loss is the mean over the
    votes: one vote is `prefer`; a class split evenly between two answers pulls them apart by nothing (their
    comparisons cancel), and only the plain "learn this answer" term, shared between them, is left."""
    _check(student, reference)
    if len(answers) < 2 or len(votes) != len(answers) or min(votes, default=0) < 0 or sum(votes) == 0:
        raise ValueError(_("there is no vote to learn from: at least one vote for one of two answers or more"))
    start = time.perf_counter()
    ids, mask = _batch(student, question, answers)
    with torch.no_grad():
        ref = reply_logprobs(reference, ids, mask).to(student.device)  # (A,)
    share = torch.tensor(votes, dtype=ref.dtype, device=student.device) / sum(votes)  # (A,) each answer's votes
    lengths = mask.sum(1).clamp(min=1).to(student.device)  # (A,) answer tokens
    others = ~torch.eye(len(answers), dtype=torch.bool, device=student.device)  # (A, A) j != i

    def loss() -> torch.Tensor:
        lp = reply_logprobs(student, ids, mask)  # (A,)
        gain = lp - ref  # how much more likely than the reference has it, each answer
        beats = -F.logsigmoid(beta * (gain[:, None] - gain[None, :]))  # (A, A): i better than j
        dpo = (beats * others).sum(1) / (len(answers) - 1)  # (A,) a vote for i, against each other answer
        return (share * dpo).sum() - SFT_WEIGHT * (share * lp / lengths).sum()

    return UpdateResult("prefer", optimise(student, loss, steps, lr), time.perf_counter() - start)


def flag(
    student: Backend,
    reference: Backend,
    question: str,
    answer: str,
    steps: int = STEPS,
    lr: float = LR,
    beta: float = BETA,
) -> UpdateResult:
    """Steps that make `answer` less likely than the reference had it (see the module docstring)."""
    _check(student, reference)
    start = time.perf_counter()
    ids, mask = _batch(student, question, [answer])
    with torch.no_grad():
        ref = reply_logprobs(reference, ids, mask).to(student.device)

    def loss() -> torch.Tensor:
        gain = reply_logprobs(student, ids, mask) - ref
        return -(2 / beta) * F.logsigmoid(-beta * gain).mean()

    return UpdateResult("flag", optimise(student, loss, steps, lr), time.perf_counter() - start)


# ----------------------------------------------------------------------------- the answers to judge
def dont_know(backend: Backend) -> str:
    """'I do not know.' in words the model has (a word tokenizer may lack "don't")."""
    for text in DONT_KNOW:
        if not any(t.unknown for t in backend.tokenize(text)):
            return text
    return DONT_KNOW[0]


def candidate_answers(
    backend: Backend,
    question: str,
    n: int = 2,
    seed: int = 0,
    temperature: float = 1.0,
    extra: str | None = None,
    max_tries: int = 8,
) -> list[str]:
    """Up to `n` different answers the model writes (seeds seed, seed + 1, ..., at most `max_tries`; written n + 1
    at a time, in one batch each), each short enough to score, then `extra` if given."""
    if not question.strip():
        raise ValueError(_("the question is empty: type a question"))
    answers: list[str] = []
    seeds = list(range(seed, seed + max_tries))
    while len(answers) < n and seeds:
        batch, seeds = seeds[: n + 1], seeds[n + 1 :]
        dice = [make_generator(s)[0] for s in batch]
        for text in replies(backend, [], question, SamplingParams(temperature), dice, MAX_ANSWER_TOKENS):
            if len(answers) < n and text and text not in answers and text != extra and _fits(backend, question, text):
                answers.append(text)
    if extra and extra.strip() not in answers:
        answers.append(extra.strip())
    return answers


def _fits(backend: Backend, question: str, answer: str) -> bool:
    """Whether the answer, encoded again after the script, fits the model's context (a reply can
    re-encode into more tokens than were generated, and a tiny model's context is short)."""
    try:
        encode_answer(backend, question, answer)
    except ValueError:
        return False
    return True


def greedy_answer(backend: Backend, question: str) -> str:
    """What the model says at temperature 0: its single most likely reply, word by word."""
    return reply_text(list(reply_steps(backend, [], question, SamplingParams(0.0), None, MAX_ANSWER_TOKENS)))
