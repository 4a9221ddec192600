"""Class polls: a teacher asks "what word comes next?", every student sends a guess from their own browser, and the
class's answers are counted beside the model's probabilities. The class is a language model too: its answers spread
over several words, and their shares add up to 100 %.

A folder per poll, shared by every replica of the app (like the run store), so that students behind a proxy
reach the same poll wherever their session lives:

root/<CODE>/
  view.json             where the teacher is: a page's url path and its settings (ui/follow.py), written by the
                        teacher's tab as it moves, so that the students' screens offer to go there too
  poll.json             the question (the text so far, a class question: questions.py, or the model's answers for
                        the class to judge: the human-feedback page), its round, whether the answer is shown, and
                        then the model's probabilities of the words guessed (written by the teacher's session)
  round-<n>/<voter>     one student's guess in round n (a new question starts a new round)

Every write replaces a whole file (explainer/files.py), so a reader never sees half of one. Only the
teacher's session runs the model (`model_answer`, once, when the answer is shown) and writes what every student's
screen then shows: a student's screen never needs the model.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
import unicodedata
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import torch

from explainer.backends.base import Backend
from explainer.classroom.links import reachable
from explainer.classroom.questions import BY_KEY, Question
from explainer.files import replace_file
from explainer.format import visible_token
from explainer.generation.next_token import top_tokens, word_probability
from explainer.i18n import _
from explainer.model import sampling
from explainer.model.sampling import SamplingParams

LETTERS = "ACDEFGHJKLMNPQRTUVWXY"  # no B/8, I/1, O/0, S/5, Z/2: a code read off a projector is typed right
CODE_LENGTH = 4
CODE = re.compile(f"[{LETTERS}]{{{CODE_LENGTH}}}")
VOTER = re.compile(r"[0-9a-f]{16}")
MAX_GUESS_CHARS = 30
MAX_QUESTION_CHARS = 4_000
MAX_VOTERS = 1_000  # guesses in one round: a lecture hall, not a flood
MAX_AGE_HOURS = 12.0  # a poll not touched for this long is removed when the next one opens
POLL_FILE = "poll.json"
VIEW_FILE = "view.json"  # a file of its own: a teacher's presenting tab never rewrites the poll another tab changed
MAX_VIEW_CHARS = 2_000  # a view's page and settings, as the teacher's address holds them
POLL_PAGE = "poll"  # the poll page's url path
CODE_KEY = "code"  # the address's parameter a student joins with: /poll?code=KQXT
KEY_KEY = "key"  # the teacher's: /poll?code=KQXT&key=..., so that a refresh keeps the teacher's view; never shared
N_FAVOURITES = 5  # the model's likeliest words the answer adds to the class's
MAX_TEMPERATURE = 2.0  # a drawing class's temperature: from 0 (every draw the likeliest word) to 2
JUDGE_LETTERS = "ABCDE"  # the answers a class judges, as its votes name them
MAX_ANSWER_CHARS = 400  # one answer the class judges


class PollError(ValueError):
    """A guess or code the poll cannot take; the message is for the student."""


@dataclass(frozen=True)
class Poll:
    code: str
    question: str  # the text so far: the class guesses the word after it
    round: int = 1
    revealed: bool = False  # the model's answer is shown, and guessing for this round is over
    answer: dict[str, float] = field(default_factory=dict)  # once revealed: the model's probability of each word
    key: str = ""  # the teacher's: kept in the teacher's address (?key=), never shown to the students
    hidden: list[str] = field(default_factory=list)  # answers the teacher took off the board (case folded)
    temperature: float | None = None  # None: the class guesses; a number: each student draws the word at it
    model: str = ""  # the model the teacher asked with (a backend spec): the students' draws come from it too
    quiz: str = ""  # a class question's key (questions.py): the class answers with its letters, not a next word
    before: dict[str, int] = field(default_factory=dict)  # a question asked again: the first vote's count per letter
    answered: list[dict] = field(default_factory=list)  # each class question shown: its key, votes and first votes
    judge: list[str] = field(default_factory=list)  # the model's answers the class judges (each votes for the best)
    judged: str = ""  # the question those answers reply to
    trained: dict[str, float] = field(default_factory=dict)  # the answer's words, after training on the class's guesses

    @property
    def drawing(self) -> bool:
        return self.temperature is not None

    @property
    def judging(self) -> bool:
        """The class votes for the best of the model's answers (human feedback), with the letters `letters`."""
        return bool(self.judge)

    @property
    def letters(self) -> str:
        """The letters a student may answer with: a class question's, or one per answer judged ("" for a word)."""
        return self.asked.letters if self.asked is not None else JUDGE_LETTERS[: len(self.judge)]

    @property
    def asked(self) -> Question | None:
        """The class question the class answers now, None when it guesses (or draws) a next word."""
        return BY_KEY.get(self.quiz)

    def model_probability(self, word: str) -> float | None:
        """The model's probability of `word` as the answer has it ("In" and "in" are one answer), None if unknown."""
        return {w.casefold(): p for w, p in self.answer.items()}.get(word.casefold())

    def hosted_by(self, key: str | None) -> bool:
        return bool(self.key) and secrets.compare_digest(self.key, str(key or ""))


@dataclass(frozen=True)
class Outcome:
    """How the class did on one class question."""

    question: Question
    voters: int  # in the last vote
    first: float | None  # the share right in the first vote (None: nobody answered)
    second: float | None  # the share right after talking (None: the class voted once)


def outcomes(poll: Poll) -> list[Outcome]:
    """The class questions this poll showed the answer to, in order, with the share of the class that was right."""
    out = []
    for asked in poll.answered:
        question = BY_KEY.get(asked.get("quiz", ""))
        if question is None:  # a question the app no longer has
            continue
        votes, before = asked.get("votes", {}), asked.get("before", {})
        first, last = (before, votes) if before else (votes, None)
        out.append(Outcome(question, sum(votes.values()), _right_share(question, first), _right_share(question, last)))
    return out


def letter_counts(poll: Poll, guesses: list[str]) -> list[int]:
    """How many chose each of the poll's letters (a class question's answers, or the answers judged), in order."""
    return [guesses.count(x) for x in poll.letters]


def _right_share(question: Question, votes: dict[str, int] | None) -> float | None:
    total = sum((votes or {}).values())
    return votes.get(question.right_letter, 0) / total if total else None


def new_voter() -> str:
    """A student's id in polls: random, kept in their session."""
    return secrets.token_hex(8)


def _plain(text: str) -> str:
    """`text` on one line: control characters gone, spaces single, none around."""
    return " ".join("".join(c for c in str(text) if unicodedata.category(c)[0] != "C").split())


def clean_guess(text: str) -> str:
    """A guess as the poll keeps it (surrounding spaces gone, inner spaces single, no control characters), or
    PollError with what to fix."""
    text = _plain(text)
    if not text:
        raise PollError(_("Type a word first."))
    if len(text) > MAX_GUESS_CHARS:
        raise PollError(_("One word, please: at most {n} characters.").format(n=MAX_GUESS_CHARS))
    return text


def tally(guesses: list[str], answer: dict[str, float] | None = None) -> list[tuple[str, int]]:
    """(word, count) per different answer, most given first; equal counts by the model's probability when `answer`
    is known, else in alphabetical order. "In" and "in" are one answer, shown the way most students wrote it."""
    groups: dict[str, Counter] = {}
    for guess in guesses:
        groups.setdefault(guess.casefold(), Counter())[guess] += 1
    counted = [(spellings.most_common(1)[0][0], sum(spellings.values())) for spellings in groups.values()]
    likely = {w.casefold(): p for w, p in (answer or {}).items()}
    return sorted(counted, key=lambda wc: (-wc[1], -likely.get(wc[0].casefold(), 0.0), wc[0].casefold()))


@dataclass(frozen=True)
class Row:
    word: str
    share: float  # of the class's guesses, 0..1
    model: float | None  # the model's probability of the word (None: not shown yet, or not known)
    trained: float | None = None  # its probability after training on the class's guesses (None: not trained)


def board(
    guesses: list[str],
    answer: dict[str, float] | None,
    n_rows: int = 8,
    n_favourites: int = 3,
    hidden: list[str] = (),
    trained: dict[str, float] | None = None,
):
    """What the board shows: (rows, share of the class's other answers). The class's commonest answers, then (with
    the model's answer) its likeliest words not on the board yet; each with its class share and model probability.
    An answer the teacher hid counts among the other answers, unnamed. With `trained` (the model after learning from
    the class's guesses), each row has that probability too."""
    off = {h.casefold() for h in hidden}
    counted = tally(guesses, answer)
    spelled = {
        w.casefold(): w for w in [*(answer or {}), *(w for w, _n in counted)]
    }  # the class's way, else the model's
    counts = {w.casefold(): n for w, n in counted if w.casefold() not in off}  # most given first
    likely = {w.casefold(): p for w, p in (answer or {}).items() if w.casefold() not in off}
    picked = list(counts)[:n_rows]
    if answer is not None:
        picked += sorted((k for k in likely if k not in picked), key=lambda k: -likely[k])[:n_favourites]
    total = max(len(guesses), 1)
    after = {w.casefold(): p for w, p in (trained or {}).items()}
    rows = [
        Row(spelled[k], counts.get(k, 0) / total, likely.get(k) if answer is not None else None, after.get(k))
        for k in picked
    ]
    return rows, (len(guesses) - sum(counts.get(k, 0) for k in picked)) / total


def model_answer(backend: Backend, question: str, guesses: list[str]) -> dict[str, float]:
    """The model's probability of each word guessed and of its own likeliest words (what the teacher's session
    computes once when the answer is shown, for every screen)."""
    probs = backend.next_token_logits(backend.encode(question)).double().softmax(-1)
    top = top_tokens(probs, N_FAVOURITES * 3, backend.token_str)
    favourites = [w for w in (backend.decode([i]).strip() for i in top.ids) if w and visible_token(w) == w]
    words = dict.fromkeys([*(w for w, _n in tally(guesses)), *favourites[:N_FAVOURITES]])
    return {w: word_probability(backend, question, w) for w in words}


def drawn_word(backend: Backend, token_id: int) -> str:
    """A drawn token as a word on the board: its text without spaces around, a line break as ⏎, a piece of a
    character as its bytes."""
    text = backend.decode([token_id])
    if "\ufffd" in text:
        text = backend.token_str(token_id)
    return " ".join(text.split())[:MAX_GUESS_CHARS] or visible_token(text)


def _next_distribution(backend: Backend, question: str, temperature: float) -> torch.Tensor:
    """(V,) the probabilities the next token is drawn from at `temperature`."""
    return sampling.distribution(backend.next_token_logits(backend.encode(question)), SamplingParams(temperature))


def draw(backend: Backend, question: str, temperature: float, generator: torch.Generator | None = None) -> str:
    """One student's turn as the sampler: a token drawn from the model's next-token probabilities at `temperature`,
    as the word it shows."""
    return drawn_word(backend, sampling.sample(_next_distribution(backend, question, temperature), generator))


def drawn_answer(backend: Backend, question: str, temperature: float, drawn: list[str]) -> dict[str, float]:
    """The probability that a draw shows each word drawn and each of the likeliest words: the sum over the tokens
    that show it (" in" and "In" are one answer, as on the board)."""
    probs = _next_distribution(backend, question, temperature).double()
    mass: dict[str, float] = {}  # case folded word -> probability
    spelled: dict[str, str] = {}  # case folded word -> its likeliest token's spelling
    for i in probs.argsort(descending=True).tolist():
        if (p := float(probs[i])) == 0:
            break  # the rest cannot be drawn (T = 0: only the first)
        word = drawn_word(backend, i)
        spelled.setdefault(word.casefold(), word)
        mass[word.casefold()] = mass.get(word.casefold(), 0.0) + p
    favourites = sorted(mass, key=lambda k: -mass[k])[:N_FAVOURITES]
    keys = dict.fromkeys([*favourites, *(w.casefold() for w in drawn if w.casefold() in mass)])
    return {spelled[k]: mass[k] for k in keys}


def join_address(page_url: str | None, code: str) -> str:
    """The address students open: the poll page beside this page (whichever page the teacher is on), with the code,
    as their devices reach it."""
    parts = urlsplit(page_url or "http://localhost:8501/")
    poll_page = urlunsplit((parts.scheme, parts.netloc, parts.path.rsplit("/", 1)[0] + "/" + POLL_PAGE, "", ""))
    return reachable(poll_page, {CODE_KEY: code})


class PollStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    # --- the teacher's side ---------------------------------------------------
    def open(
        self, question: str, temperature: float | None = None, model: str = "", quiz: str = "",
        judge: list[str] | None = None,
    ) -> Poll:  # fmt: skip
        """A new poll with a code no other open poll has: the class guesses, or (with a temperature) draws, or (with
        a class question's key) answers that question, or (with `judge`, the model's answers to `question`) votes
        for the best answer."""
        self.prune()
        question, temperature = _checked_question(question), _checked_temperature(temperature)
        quiz, judge = _checked_quiz(quiz), _checked_answers(judge) if judge is not None else []
        with _disk():
            self.root.mkdir(parents=True, exist_ok=True)
            for _attempt in range(100):
                code = "".join(secrets.choice(LETTERS) for _i in range(CODE_LENGTH))
                try:
                    (self.root / code).mkdir()
                except FileExistsError:
                    continue  # the code is taken: draw another
                poll = Poll(code, question, key=secrets.token_hex(8), temperature=temperature, model=model, quiz=quiz)
                if judge:
                    poll = replace(poll, judge=judge, judged=question)
                self._save(poll)
                return poll
        raise PollError(_("Too many polls are open on this server: end one first."))

    def ask(self, code: str, question: str, temperature: float | None = None) -> Poll:
        """The next question of the poll: a new round, nobody has guessed yet (a drawing class draws at `temperature`
        now, if given)."""
        poll = self._existing(code)
        if poll.drawing and temperature is not None:
            poll = replace(poll, temperature=_checked_temperature(temperature))
        poll = replace(poll, question=_checked_question(question), round=poll.round + 1, revealed=False, answer={})
        return self._next_round(replace(poll, quiz="", before={}, judge=[], judged=""))

    def ask_question(self, code: str, quiz: str) -> Poll:
        """A class question as the poll's next round (the text so far, and a drawing class's temperature, stay for a
        later next-word question)."""
        poll = replace(self._existing(code), quiz=_checked_quiz(quiz), before={}, judge=[], judged="")
        return self._next_round(replace(poll, round=poll.round + 1, revealed=False, answer={}))

    def ask_judgement(self, code: str, question: str, answers: list[str]) -> Poll:
        """The model's answers to `question` as the poll's next round: each student votes for the best one (the text
        so far, and a drawing class's temperature, stay for a later next-word question)."""
        judged, answers = _checked_question(question), _checked_answers(answers)
        poll = replace(self._existing(code), quiz="", before={}, judge=answers, judged=judged)
        return self._next_round(replace(poll, round=poll.round + 1, revealed=False, answer={}))

    def vote_again(self, code: str) -> Poll:
        """Peer instruction: after talking to a neighbour, the class answers the same question again; the first
        vote's counts stay on the board beside the second."""
        poll = self._existing(code)
        if poll.asked is None or poll.revealed:
            raise PollError(_("Only a class question whose answer is not shown yet can be voted on again."))
        before = Counter(self.guesses(poll).values())
        return self._next_round(replace(poll, round=poll.round + 1, before={k: before[k] for k in poll.asked.letters}))

    def _next_round(self, poll: Poll) -> Poll:
        shutil.rmtree(self.root / poll.code / f"round-{poll.round - 1}", ignore_errors=True)  # no longer shown
        poll = replace(poll, trained={})
        self._save(poll)
        return poll

    def reveal(self, code: str, answer: dict[str, float]) -> Poll:
        """Show the model's answer (its probability of each word guessed, and of its own favourites), or a class
        question's right answer (the class's votes join the poll's record): guessing ends."""
        poll = self._existing(code)
        if poll.asked is not None and not poll.revealed:
            votes = Counter(self.guesses(poll).values())
            asked = {"quiz": poll.quiz, "votes": {x: votes[x] for x in poll.asked.letters}, "before": poll.before}
            poll = replace(poll, answered=[*poll.answered, asked])
        poll = replace(poll, revealed=True, answer={str(w): float(p) for w, p in answer.items()})
        self._save(poll)
        return poll

    def learnt(self, code: str, trained: dict[str, float]) -> Poll:
        """The model's probability of the answer's words after training on the class's guesses, on every screen."""
        poll = self._existing(code)
        if not poll.revealed or poll.letters or poll.drawing:
            raise PollError(_("Only the class's guesses, once the answers are shown, can train the model."))
        poll = replace(poll, trained={str(w): float(p) for w, p in trained.items()})
        self._save(poll)
        return poll

    def hide(self, code: str, answer: str, hide: bool = True) -> Poll:
        """Take an answer off the board (a word a class should not see projected), on every screen; or put it back."""
        poll = self._existing(code)
        hidden = set(poll.hidden) | {answer.casefold()} if hide else set(poll.hidden) - {answer.casefold()}
        poll = replace(poll, hidden=sorted(hidden))
        self._save(poll)
        return poll

    def lead(self, code: str, page: str, params: dict[str, str]) -> None:
        """Show the class where the teacher is: `page` (a url path) with its settings; an empty `page` shows nothing."""
        view = json.dumps({"page": page, "params": params}, ensure_ascii=False) if page else "{}"
        if len(view) > MAX_VIEW_CHARS:  # a long text in the address: the page alone, with its defaults
            view = json.dumps({"page": page, "params": {}})
        _write(self.root / self._existing(code).code / VIEW_FILE, view)

    def close(self, code: str) -> None:
        if CODE.fullmatch(code or ""):
            shutil.rmtree(self.root / code, ignore_errors=True)

    def prune(self, max_age_hours: float = MAX_AGE_HOURS) -> None:
        """Remove polls nobody touched for `max_age_hours` (a teacher who closed the tab without ending one)."""
        now = time.time()
        try:
            for folder in self.root.iterdir() if self.root.is_dir() else ():
                file = folder / POLL_FILE
                touched = (file if file.exists() else folder).stat().st_mtime
                if CODE.fullmatch(folder.name) and now - touched > max_age_hours * 3600:
                    shutil.rmtree(folder, ignore_errors=True)
        except OSError:  # tidying up is best effort: a poll removed meanwhile by another replica, say
            pass

    # --- everyone's -----------------------------------------------------------
    def get(self, code: str) -> Poll | None:
        """The poll with this code (any case, spaces ignored), or None when there is none (ended, mistyped)."""
        code = normal_code(code)
        if not CODE.fullmatch(code):
            return None
        try:
            data = json.loads((self.root / code / POLL_FILE).read_text(encoding="utf-8"))
            return Poll(**{**data, "code": code})
        except (OSError, ValueError, TypeError):
            return None

    def teacher_at(self, poll: Poll) -> tuple[str, dict[str, str]] | None:
        """The page and settings the teacher shows the class (`lead`), None when the teacher shows none."""
        try:
            data = json.loads((self.root / poll.code / VIEW_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        page, params = (data.get("page"), data.get("params")) if isinstance(data, dict) else (None, None)
        if not isinstance(page, str) or not page or not isinstance(params, dict):
            return None
        return page, {str(k): str(v) for k, v in params.items()}

    def guesses(self, poll: Poll) -> dict[str, str]:
        """This round's guesses by voter."""
        folder = self._round_dir(poll)
        out = {}
        for file in folder.iterdir() if folder.is_dir() else ():
            if VOTER.fullmatch(file.name):
                try:
                    out[file.name] = file.read_text(encoding="utf-8")
                except OSError:  # the student is replacing it this very moment
                    continue
        return out

    def count(self, poll: Poll) -> int:
        """How many have guessed this round (the files are listed, not read: every screen asks every few seconds)."""
        folder = self._round_dir(poll)
        return sum(1 for f in folder.iterdir() if VOTER.fullmatch(f.name)) if folder.is_dir() else 0

    # --- the student's side ---------------------------------------------------
    def vote(self, code: str, voter: str, guess: str) -> str:
        """Record (or replace) a student's guess for the poll's current round; the guess as kept."""
        poll = self.get(code)
        if poll is None:
            raise PollError(_("This poll has ended."))
        if poll.revealed and poll.letters:
            raise PollError(_("The answer is already on the board: wait for the next question."))
        if poll.revealed:
            raise PollError(_("The model's answer is already on the board: wait for the next question."))
        if not VOTER.fullmatch(voter):
            raise ValueError(f"not a voter id: {voter!r}")
        guess = clean_guess(guess)
        if poll.letters and guess not in poll.letters:
            raise PollError(_("Choose one of the answers, {letters}.").format(letters=", ".join(poll.letters)))
        folder = self._round_dir(poll)
        if not (folder / voter).exists() and self.count(poll) >= MAX_VOTERS:
            raise PollError(_("This poll is full ({n} guesses).").format(n=MAX_VOTERS))
        _write(folder / voter, guess)
        return guess

    # --- files ----------------------------------------------------------------
    def _existing(self, code: str) -> Poll:
        poll = self.get(code)
        if poll is None:
            raise PollError(_("This poll has ended."))
        return poll

    def _round_dir(self, poll: Poll) -> Path:
        return self.root / poll.code / f"round-{poll.round}"

    def _save(self, poll: Poll) -> None:
        _write(self.root / poll.code / POLL_FILE, json.dumps(asdict(poll), ensure_ascii=False))


def normal_code(code: str) -> str:
    return "".join(str(code or "").split()).upper()


def _checked_temperature(temperature: float | None) -> float | None:
    if temperature is None:
        return None
    if not 0 <= float(temperature) <= MAX_TEMPERATURE:
        raise PollError(_("The temperature goes from 0 to {t}.").format(t=MAX_TEMPERATURE))
    return float(temperature)


def _checked_question(question: str) -> str:
    if not question.strip():
        raise PollError(_("Write the text the class should continue first."))
    return question[-MAX_QUESTION_CHARS:]


def clean_answers(answers: list[str]) -> list[str]:
    """The answers a class judges: each one's text (control characters gone, cut to MAX_ANSWER_CHARS), no two alike,
    at most one per letter; fewer than two: none (there is nothing to choose between)."""
    kept: list[str] = []
    for answer in answers:
        text = _plain(answer)[:MAX_ANSWER_CHARS]
        if text and text not in kept:
            kept.append(text)
    return kept[: len(JUDGE_LETTERS)] if len(kept) >= 2 else []


def _checked_answers(answers: list[str]) -> list[str]:
    if not (kept := clean_answers(answers)):
        raise PollError(_("Give the class at least two different answers to judge."))
    return kept


def _checked_quiz(quiz: str) -> str:
    if quiz and quiz not in BY_KEY:
        raise PollError(_("There is no class question “{key}”.").format(key=str(quiz)[:40]))
    return quiz


def _write(path: Path, text: str) -> None:
    with _disk():
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(path, text.encode("utf-8"))


@contextmanager
def _disk() -> Iterator[None]:
    """A folder or a disk that refuses (read-only, full): a PollError that says so, without the server's paths."""
    try:
        yield
    except OSError as e:
        raise PollError(_("The server could not save the poll: {reason}.").format(reason=e.strerror or "?")) from e
