"""Simulated students that speak Streamlit's own websocket protocol: no browser, so what they time is the server.

One `Session` is one browser tab: one websocket to `/_stcore/stream`, over which the client sends `BackMsg`s and
the server answers with `ForwardMsg`s (both `streamlit.proto`). A tab's life, as the browser lives it:

1. `GET` the page (`/next-word?...`: the cookie naming its replica behind `deploy/`'s nginx), `/_stcore/health` and
   `/_stcore/host-config`, then open the websocket with the subprotocol `streamlit`.
2. Send `rerun_script` (a `ClientState`): the page's url path as `page_name`, its query string, no widget states.
   The server answers `new_session` (the run starts), `navigation` (the pages, with the current page's hash),
   one `delta` per element or container (`metadata.delta_path` says where it goes; a widget carries its id,
   `$$ID-<hash>-<user key>`), `page_info_changed` (a new query string), `auto_rerun` (a fragment with
   `run_every`), and at last `script_finished`.
3. Every later interaction is another `rerun_script` holding the page's hash and the values of *all* the widgets
   on the page (as a browser does: the values the server drew, or what the student set), a button press as a
   one-off `trigger_value`, a chat message as a `chat_input_value`. A widget inside a fragment reruns only its
   fragment (`fragment_id`). A page switch sends the new page's hash with only the sidebar's widgets.

Messages of 10 kB or more (charts, tables) are cacheable: the client keeps them and lists their hashes in each
`rerun_script` (`cached_message_hashes`), and the server then sends a short `ref_hash` in their place; like the
browser, the client forgets a message after `max_cached_message_age` runs without it.

Each interaction is timed from sending its `BackMsg` to the `script_finished` of the run it caused (for the chat,
also to the first delta of the reply). A fragment with `run_every` (the training page's live view) gets what a
browser's `setInterval` sends: a fragment rerun every interval, whether or not the last one has ended; a run still
going when the next request comes ends `FINISHED_EARLY_FOR_RERUN`, and such a tick is timed to that end.
A run whose `script_finished` Streamlit never sends (a request met its script runner just as it stopped) has
ended when a fragment run starts after it (counted in `Stats.lost_finishes`).

Errors: an `exception` element on the page, no `script_finished` within `ACTION_TIMEOUT_S`, a websocket the server
dropped, a widget that cannot be found (or is disabled), a cached message missing.

`INTERACTIONS` (below) is the one table of what students do and how each widget is found: by the user key at the
end of its id first, then by its label, so that renamed keys keep working.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench.widget_states import TRIGGERS, VALUED, current_value, set_state, user_key, value_state, widget_label
from explainer.ui.follow import FOLLOW_TICK_S
from explainer.ui.poll import POLL_TICK_S
from explainer.ui.tokens import PLAY_TICK_S

ACTION_TIMEOUT_S = 30.0  # no script_finished within this long: a timeout error
HTTP_TIMEOUT_S = 30.0
OPEN_PAGE, NAVIGATE = "open a page", "switch page"
CHAT_FIRST = "chat: first words of the reply"
TRAIN_TICK = "train: live view tick (auto-rerun)"  # to the end of its run, finished or cut short by the next tick
TRAIN_REFRESH = "train: live view refresh (step count redrawn)"  # time between two new step counts on screen
TOKENS_TICK = "tokens: replay tick (auto-rerun)"  # one more merge drawn, every 0.6 s while the replay plays
TOKENS_REPLAY = "tokens: whole replay (Play to the last merge)"
FOLLOW_TICK = "class bar: where the teacher is (auto-rerun)"  # a student in a class poll, every 5 s on every page
POLL_TICK = "poll: the count of answers (auto-rerun)"  # on the poll page, every 2 s
TEACHER_MOVES = "teacher: next page (class bars follow)"
# Each auto-rerun by its interval: the app's own constants (the training view's live ticks are the others); the
# protocol sends a float32, so 0.6 comes as 0.6000000238: rounded before the look-up.
AUTO_NAMES = {PLAY_TICK_S: TOKENS_TICK, FOLLOW_TICK_S: FOLLOW_TICK, POLL_TICK_S: POLL_TICK}
FINISHED = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR}

COUNTRIES = ["France", "Japan", "Kenya", "Peru", "Norway", "Egypt", "Canada", "India", "Chile", "Spain", "Italy"]
PROMPTS = [f"User: What is the capital of {c}?\nAssistant: The capital of {c} is" for c in COUNTRIES]
QUESTIONS = [f"What is the capital of {c}?" for c in COUNTRIES] + ["What sound does a cat make?", "Hello"]
# What students type on the Tokens page before pressing Play: 7 to 22 merges, so 4 to 13 s of replay.
TOKEN_TEXTS = [
    "My name is Ana.",
    "Hello, I am a student.",
    "The hippopotamus swims in the river.",
    "I like pizza and football.",
    "Tomorrow we visit the museum.",
    "My dog is called Biscuit.",
]
STORY = "Tell me a short story about a fox."  # the longest reply: up to the chat's 60 tokens
FEEDBACK_QUESTIONS = ["What is the capital of Zubrowka?", *QUESTIONS[:4]]


# ---------------------------------------------------------------------------- what students do (the one table)


@dataclass(frozen=True)
class Widget:
    """How to find a widget on the page: its user key (the end of its id), else a label prefix (for a chat
    input, its placeholder), case-insensitive. Keys first: a key survives a reworded label."""

    kinds: tuple[str, ...]
    key: str | None = None
    label: str | None = None


@dataclass(frozen=True)
class Interaction:
    """One thing a student does on a page: set a widget (`value(rng, current)` gives the new value) or press it
    (`value` None). `also`: other widgets set in the same message (a form's fields, sent with its submit button)."""

    name: str
    page: str  # url path of the page it happens on
    widget: Widget
    value: Callable[[random.Random, Any, Any], Any] | None = None  # (rng, current value, widget proto)
    also: tuple[tuple[Widget, Callable[[random.Random, Any, Any], Any]], ...] = ()
    watch: str = ""  # starts a fragment's timer: the student watches it to its end, timed under this name


def _nudge_temperature(rng: random.Random, current: Any, proto: Any) -> list[float]:
    """A step or two of the slider, staying near T = 1 (0 .. 5 in steps of 0.05)."""
    t = float(current[0]) if current else 1.0
    step = rng.choice([0.05, 0.1, 0.25])
    t = t + step if (t < 0.6 or (t <= 1.6 and rng.random() < 0.5)) else t - step
    return [round(min(5.0, max(0.0, t)), 2)]


def _other_option(rng: random.Random, current: Any, proto: Any) -> str:
    options = list(proto.options)
    return rng.choice([o for o in options if o != current] or options)


def _other_map(rng: random.Random, current: Any, proto: Any) -> list[str]:
    """The embeddings map's projection: t-SNE, or back to PCA."""
    return ["PCA" if current == ["t-SNE"] else "t-SNE"]


def _pick(choices: list[str]) -> Callable[[random.Random, Any, Any], str]:
    return lambda rng, current, proto: rng.choice(choices)


INTERACTIONS: tuple[Interaction, ...] = (
    Interaction("next word: type a prompt", "next-word", Widget(("text_area",), "prompt", "Text so far"),
                _pick(PROMPTS)),
    Interaction("next word: add the likeliest word", "next-word", Widget(("button",), None, "Add “")),
    Interaction("next word: roll the dice", "next-word", Widget(("button",), None, "Roll the dice")),
    Interaction("sampling: move the temperature", "sampling", Widget(("slider",), "temperature", "Temperature"),
                _nudge_temperature),
    Interaction("sampling: run 20 times at T = 3", "sampling", Widget(("button",), None, "Run "),
                also=((Widget(("slider",), "temperature", "Temperature"), lambda rng, current, proto: [3.0]),)),
    Interaction("embeddings: switch the map (PCA / t-SNE)", "embeddings",
                Widget(("button_group",), "emb_proj", "Projection"), _other_map),
    Interaction("attention: switch layer", "attention", Widget(("selectbox",), "layer", "Layer"), _other_option),
    Interaction("attention: switch head", "attention", Widget(("selectbox",), "head", "Head"), _other_option),
    Interaction("chat: ask a question (whole reply)", "chat", Widget(("chat_input",), None, "Ask the assistant"),
                _pick([*QUESTIONS, STORY])),
    Interaction("what it read: type a text", "what-it-read", Widget(("text_area",), "prompt", "Text so far"),
                _pick(PROMPTS)),
    Interaction("what it read: another page", "what-it-read", Widget(("button",), "another_page", "Another page")),
    Interaction("feedback: get answers", "feedback", Widget(("button",), None, "Get answers"),
                also=((Widget(("text_input",), "feedback_question", "Ask the model"),
                       _pick(FEEDBACK_QUESTIONS)),)),
    Interaction("feedback: better answer", "feedback", Widget(("button",), "feedback_better_0", "Better")),
    Interaction("tokens: type a text", "tokens", Widget(("text_area",), "tok_text", "Your text"), _pick(TOKEN_TEXTS)),
    Interaction("tokens: press Play", "tokens", Widget(("button",), "tok_play", "Play"), watch=TOKENS_REPLAY),
)  # fmt: skip
# A student's tour: the pages in this order, each visit doing these interactions (a student starts at one of
# them, by number, then goes round). The sampling slider moves three times per visit, then the text is run 20 times.
TOUR: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("next-word", ("next word: type a prompt", "next word: add the likeliest word", "next word: roll the dice")),
    ("sampling", ("sampling: move the temperature",) * 3 + ("sampling: run 20 times at T = 3",)),
    ("embeddings", ("embeddings: switch the map (PCA / t-SNE)",)),
    ("attention", ("attention: switch layer", "attention: switch head")),
    ("chat", ("chat: ask a question (whole reply)",)),
    ("what-it-read", ("what it read: type a text", "what it read: another page")),
    ("feedback", ("feedback: get answers", "feedback: better answer")),
    ("tokens", ("tokens: type a text", "tokens: press Play")),
)
TRAIN_PAGE = "train"
TRAIN_START = Interaction("train: start training", TRAIN_PAGE, Widget(("button",), "train_run", "Start training"))
TRAIN_MORE = Interaction("train: train more steps", TRAIN_PAGE, Widget(("button",), "train_more", "Train "))
BY_NAME = {i.name: i for i in (*INTERACTIONS, TRAIN_START, TRAIN_MORE)}


def expected_kinds(trainers: bool = True, follow: bool = False) -> set[str]:
    """Every interaction kind a long enough run records (the smoke test checks each happened)."""
    kinds = {i.name for i in INTERACTIONS} | {OPEN_PAGE, NAVIGATE, CHAT_FIRST, TOKENS_TICK}
    kinds |= {START_POLL.name, TEACHER_MOVES} if follow else set()
    return kinds | ({TRAIN_START.name, TRAIN_TICK, TRAIN_REFRESH} if trainers else set())


# ---------------------------------------------------------------------------- figures of the whole run


@dataclass
class Stats:
    """What every simulated student saw (all of them run on one event loop, so no locks)."""

    latencies: dict[str, list[float]] = field(default_factory=dict)  # kind -> seconds
    errors: Counter = field(default_factory=Counter)  # error kind -> count
    error_samples: list[str] = field(default_factory=list)
    unchanged: Counter = field(default_factory=Counter)  # interaction kind -> runs that changed nothing shown
    cut_short: Counter = field(default_factory=Counter)  # fragment id -> auto-reruns that ended early for a rerun
    lost_finishes: int = 0  # runs whose script_finished the server never sent (Session._new_session)
    app_errors: Counter = field(default_factory=Counter)  # st.error messages the app showed, by interaction
    sessions_opened: int = 0
    refreshes: int = 0  # sessions a student left for a new tab (student's `refresh`)
    open_times: list[float] = field(default_factory=list)  # monotonic time each first page was drawn
    replicas: Counter = field(default_factory=Counter)  # X-Replica header of each session's page (deploy/)
    training: dict[int, str] = field(default_factory=dict)
    log: Callable[[str], None] | None = None  # prints each interaction's effect (the 1-student check)
    # The server's CPU seconds so far (one student alone: what each interaction costs the server, CPU ms by kind)
    cpu_clock: Callable[[], float] | None = None
    cpu: dict[str, list[float]] = field(default_factory=dict)  # kind -> server CPU seconds

    def add(self, kind: str, seconds: float) -> None:
        self.latencies.setdefault(kind, []).append(seconds)

    def error(self, who: int, where: str, kind: str, detail: str = "") -> None:
        self.errors[kind] += 1
        if len(self.error_samples) < 50:
            self.error_samples.append(f"student {who}, {where}: {kind}{': ' + detail[:300] if detail else ''}")


class WidgetMissing(Exception):
    pass


class SessionDropped(Exception):
    pass


class ActionTimeout(TimeoutError):
    """No end of the run within ACTION_TIMEOUT_S; says what the session saw meanwhile."""


# ---------------------------------------------------------------------------- the protocol client


@dataclass
class Node:
    """An element or container of the page, at its delta path."""

    kind: str  # element type (`slider`, `markdown`, ...) or `block:<type>`
    proto: Any  # the element's own proto (e.g. Slider), or the Block
    run: int  # the run that last drew it
    fragment_id: str
    script_hash: str  # the script that drew it: the main script (sidebar, footer) or the page
    msg_hash: str  # the ForwardMsg's hash: a changed element has a new one


@dataclass
class Waiter:
    """An interaction waiting for the end of the run it caused."""

    name: str
    after_run: int  # only runs started after the message count
    fragment_id: str
    sent: float
    done: asyncio.Future
    auto: bool = False  # a fragment's timer: its run may end early, cut short by the next tick
    first_delta: float | None = None
    deltas: list[tuple[float, ForwardMsg]] = field(default_factory=list)
    changed: set[tuple[int, ...]] = field(default_factory=set)
    exceptions: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    name: str
    sent: float  # perf_counter time the message was sent
    seconds: float
    first_delta_s: float | None
    changed: list[str]  # kinds of the elements whose content changed
    exceptions: list[str]
    deltas: list[tuple[float, ForwardMsg]]


def _http_get(url: str, headers: dict[str, str]) -> tuple[int, Any]:
    req = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(req, timeout=HTTP_TIMEOUT_S) as resp:
        resp.read()
        return resp.status, resp.headers


class Session:
    """One browser tab: a websocket, the page as the browser would hold it, and the widget values it sends."""

    def __init__(self, base_url: str, who: int, stats: Stats) -> None:
        parts = urlsplit(base_url.rstrip("/"))
        self.http_base = f"{parts.scheme}://{parts.netloc}{parts.path}"
        ws_scheme = "wss" if parts.scheme == "https" else "ws"
        self.ws_url = f"{ws_scheme}://{parts.netloc}{parts.path}/_stcore/stream"
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.who, self.stats = who, stats
        self.ws = None
        self.reader: asyncio.Task | None = None
        self.closing = False
        self.dropped = False
        self.cookies: dict[str, str] = {}
        self.replica: str | None = None
        # the page
        self.main_hash = ""
        self.page_hash = ""
        self.pages: dict[str, str] = {}  # url path -> page script hash
        self.query = ""
        self.nodes: dict[tuple[int, ...], Node] = {}
        self.values: dict[str, WidgetState] = {}  # widget id -> value held by the "browser"
        # runs
        self.run = 0  # number of new_session messages seen
        self.run_fragments: list[str] = []
        self.running = False
        self.ended = True  # the last run's script_finished came (of any kind)
        self.ended_early: tuple[float, list[str]] | None = None  # (time, fragments) of a fragment run's early end
        self.waiters: list[Waiter] = []
        self.pending = ""  # the interaction in flight, to name an exception seen meanwhile
        # the forward-message cache: hash -> [message, run count when last used, fragment id]
        self.cache: dict[str, list] = {}
        self.finished_runs = 0
        self.max_cache_age = 2
        self.auto_reruns: dict[str, tuple[float, asyncio.Task]] = {}  # fragment id -> (interval, timer)
        self.ticks: set[asyncio.Task] = set()  # auto-reruns in flight
        self.watch_metric: str | None = None  # a metric whose redraws are timed (the training page's step count)
        self.watched: tuple[float | None, str] = (None, "")  # (time, value) of its last new value

    # ------------------------------------------------------------------ connecting

    async def open(self, path: str, query: str = "") -> Outcome:
        """Load the page at `path` (?query) in a new tab and wait until its first run has finished."""
        t0 = time.perf_counter()
        page_url = f"{self.http_base}/{path}" + (f"?{query}" if query else "")
        status, headers = await asyncio.to_thread(_http_get, page_url, {"Accept": "text/html"})
        for cookie in headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        self.replica = headers.get("X-Replica")
        hdrs = {"Cookie": self._cookie_header()} if self.cookies else {}
        await asyncio.to_thread(_http_get, f"{self.http_base}/_stcore/health", hdrs)
        await asyncio.to_thread(_http_get, f"{self.http_base}/_stcore/host-config", hdrs)
        extra = {"Origin": self.origin, **hdrs}
        self.ws = await websockets.connect(
            self.ws_url,
            subprotocols=["streamlit"],
            additional_headers=extra,
            max_size=None,  # a page's table can be megabytes
            ping_interval=None,  # a browser sends no pings: a busy server must not look dead to the client
            open_timeout=ACTION_TIMEOUT_S,
            close_timeout=2,
        )
        self.reader = asyncio.create_task(self._read(), name=f"student {self.who} reader")
        self.query = query
        out = await self._rerun(OPEN_PAGE, {}, page_name=path, t0=t0)
        self.stats.sessions_opened += 1
        self.stats.open_times.append(time.monotonic())
        if self.replica:
            self.stats.replicas[self.replica] += 1
        return out

    def _cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    async def close(self) -> None:
        self.closing = True
        self._stop_auto_reruns()
        for tick in list(self.ticks):
            tick.cancel()
        if self.ws is not None:
            try:
                await self.ws.close()
            except Exception:  # already gone
                pass
        if self.reader is not None:
            try:
                await asyncio.wait_for(self.reader, 5)
            except (asyncio.TimeoutError, Exception):
                self.reader.cancel()

    # ------------------------------------------------------------------ what the page holds

    def widgets(self) -> list[tuple[str, Any, Node]]:
        """(kind, proto, node) of every widget on the page."""
        return [(n.kind, n.proto, n) for n in self.nodes.values() if n.kind in VALUED | TRIGGERS and n.proto.id]

    def find(self, target: Widget) -> tuple[str, Any, Node]:
        """The widget `target` names: by key, else by label; a disabled one cannot be used (WidgetMissing)."""
        found = [w for w in self.widgets() if w[0] in target.kinds and not getattr(w[1], "disabled", False)]
        if target.key:
            hits = [w for w in found if user_key(w[1].id) == target.key]
            if hits:
                return hits[0]
        if target.label:
            want = target.label.lower()
            hits = [w for w in found if widget_label(w[0], w[1]).lower().startswith(want)]
            if hits:
                return hits[0]
        raise WidgetMissing(f"no enabled {'/'.join(target.kinds)} with key {target.key!r} or label {target.label!r}")

    def has(self, target: Widget) -> bool:
        try:
            self.find(target)
            return True
        except WidgetMissing:
            return False

    def elements(self, kind: str) -> list[Any]:
        return [n.proto for _, n in sorted(self.nodes.items()) if n.kind == kind]

    def _active_states(self, only_script: str | None = None) -> list[WidgetState]:
        out = []
        for kind, proto, node in self.widgets():
            if only_script is not None and node.script_hash != only_script:
                continue
            if kind in VALUED and proto.id in self.values:
                out.append(self.values[proto.id])
        return out

    # ------------------------------------------------------------------ interactions

    async def act(self, interaction: Interaction, rng: random.Random) -> Outcome:
        """Do `interaction` on the current page (set or press its widget) and wait for the run it causes."""
        kind, proto, node = self.find(interaction.widget)
        changes: dict[str, WidgetState] = {}
        for target, make in interaction.also:
            k, p, _ = self.find(target)
            changes[p.id] = set_state(k, p.id, make(rng, current_value(k, self.values.get(p.id)), p))
        if interaction.value is None:
            if kind == "chat_input":
                raise ValueError("a chat input needs a value")
            changes[proto.id] = WidgetState(id=proto.id, trigger_value=True)
        else:
            value = interaction.value(rng, current_value(kind, self.values.get(proto.id)), proto)
            changes[proto.id] = set_state(kind, proto.id, value)
        return await self._rerun(interaction.name, changes, fragment_id=node.fragment_id)

    async def watch(self, name: str, since: float, until: float, before: set[str]) -> None:
        """The student watches a fragment that reruns on its own (a replay) until its timer stops, at most until
        `until` (monotonic s); the time from `since` (perf_counter) to the end of the run that stopped it is
        recorded as `name`, unless the watch was cut short. `before`: the timers that ran already (the class bar's)."""

        def playing() -> bool:
            return bool(set(self.auto_reruns) - before) or self.running

        if not set(self.auto_reruns) - before:
            return  # nothing plays (a text without merges)
        while playing() and not self.dropped and time.monotonic() < until:
            await asyncio.sleep(0.02)
        if not (playing() or self.dropped):
            self.stats.add(name, time.perf_counter() - since)

    async def switch_page(self, path: str) -> Outcome:
        """Click the page's link in the navigation: the new page's hash, only the sidebar's widget values."""
        target = self.pages.get(path)
        if target is None:
            raise WidgetMissing(f"no page {path!r} in the navigation")
        self._stop_auto_reruns()
        states = self._active_states(only_script=self.main_hash)
        self.nodes = {p: n for p, n in self.nodes.items() if n.script_hash == self.main_hash}
        self.query = ""
        return await self._rerun(NAVIGATE, {}, page_hash=target, states=states)

    async def _rerun(
        self,
        name: str,
        changes: dict[str, WidgetState],
        *,
        page_name: str = "",
        page_hash: str | None = None,
        fragment_id: str = "",
        auto: bool = False,
        states: list[WidgetState] | None = None,
        t0: float | None = None,
    ) -> Outcome:
        if self.dropped:
            raise SessionDropped("the websocket is closed")
        states = self._active_states() if states is None else states
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query
        cs.page_script_hash = self.page_hash if page_hash is None else page_hash
        cs.page_name = page_name
        cs.fragment_id = fragment_id
        cs.is_auto_rerun = auto
        kept = [s for s in states if s.id not in changes]
        cs.widget_states.widgets.extend([*kept, *changes.values()])
        cs.cached_message_hashes.extend(self.cache)
        ci = cs.context_info
        ci.timezone, ci.timezone_offset, ci.locale = "UTC", 0, "en-US"
        ci.url, ci.is_embedded, ci.color_scheme = self.http_base, False, "light"
        for wid, state in changes.items():  # the browser keeps what the student set; triggers fire once
            if state.WhichOneof("value") not in ("trigger_value", "chat_input_value"):
                self.values[wid] = state
        loop = asyncio.get_running_loop()
        waiter = Waiter(name, self.run, fragment_id, t0 or time.perf_counter(), loop.create_future(), auto)
        self.waiters.append(waiter)
        self.pending = name
        try:
            await self.ws.send(msg.SerializeToString())
            await asyncio.wait_for(asyncio.shield(waiter.done), ACTION_TIMEOUT_S)
        except asyncio.TimeoutError as e:
            self.waiters.remove(waiter)
            seen = f"{self.run - waiter.after_run} runs started since, {len(waiter.deltas)} deltas"
            raise ActionTimeout(f"no script_finished within {ACTION_TIMEOUT_S:.0f} s ({seen})") from e
        except websockets.ConnectionClosed as e:
            self._lost()
            raise SessionDropped(str(e)) from e
        finally:
            self.pending = ""
        if waiter.done.exception() is not None:
            raise waiter.done.exception()
        end = waiter.done.result()
        changed = sorted(self.nodes[p].kind for p in waiter.changed if p in self.nodes)
        first = None if waiter.first_delta is None else waiter.first_delta - waiter.sent
        return Outcome(name, waiter.sent, end - waiter.sent, first, changed, waiter.exceptions, waiter.deltas)

    # ------------------------------------------------------------------ what the server sends

    async def _read(self) -> None:
        try:
            async for data in self.ws:
                self._handle(data, time.perf_counter())
        except websockets.ConnectionClosed:
            pass
        except Exception as e:  # a bug of this client: say so, as an error of the run
            self.stats.error(self.who, self.pending or "reading", "client error", f"{type(e).__name__}: {e}")
        if not self.closing:
            self._lost()

    def _lost(self) -> None:
        if self.dropped:
            return
        self.dropped = True
        if not self.closing:
            self.stats.error(self.who, self.pending or "idle", "dropped socket", "the server closed the websocket")
        for w in self.waiters:
            if not w.done.done():
                w.done.set_exception(SessionDropped("the websocket closed"))
        self.waiters.clear()
        self._stop_auto_reruns()

    def _handle(self, data: bytes, now: float) -> None:
        msg = ForwardMsg()
        msg.ParseFromString(data)
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":
            entry = self.cache.get(msg.ref_hash)
            if entry is None:
                self.stats.error(self.who, self.pending or "idle", "cache miss", msg.ref_hash)
                return
            entry[1] = self.finished_runs
            full = ForwardMsg()
            full.CopyFrom(entry[0])
            full.metadata.CopyFrom(msg.metadata)
            msg, kind = full, full.WhichOneof("type")
        elif msg.metadata.cacheable and msg.hash:
            frag = msg.delta.fragment_id if kind == "delta" else ""
            self.cache[msg.hash] = [msg, self.finished_runs, frag]
        if kind == "delta":
            self._delta(msg, now)
        elif kind == "new_session":
            self._new_session(msg, now)
        elif kind == "navigation":
            self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
            if msg.navigation.page_script_hash:
                self.page_hash = msg.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "auto_rerun":
            self._start_auto_rerun(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            for fid in msg.stop_auto_rerun.fragment_ids:
                self._stop_auto_reruns(fid)
        elif kind == "script_finished":
            self._finished(msg.script_finished, now)
        elif kind == "page_not_found":
            self.stats.error(self.who, self.pending or "idle", "page not found", msg.page_not_found.page_name)
        elif kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
            text = msg.session_event.script_compilation_exception.message
            self.stats.error(self.who, self.pending or "idle", "exception", f"compile error: {text}")

    def _new_session(self, msg: ForwardMsg, now: float) -> None:
        fragments = list(msg.metadata.run.fragment_ids)
        if self.ended_early is not None:
            if fragments:  # not stopped for a full run: the fragment run before had finished
                self._resolve(*self.ended_early)
            self.ended_early = None
        if not self.ended and fragments:
            # The last run ended, though its script_finished never came. Streamlit drops it when a request reaches
            # a script runner that has just stopped: it starts a new runner and ignores the old one's last events
            # (app_session.py). A run cut short for another request ends FINISHED_EARLY_FOR_RERUN, or (fastReruns)
            # gives way to a full run, never to a fragment run. A training view's tick did it after "Start training"
            # (once in CI: the click waited 30 s while 45 tick runs came and went; 1 click in 400 against a fragment
            # ticking every 50 ms, on a quiet machine).
            self.stats.lost_finishes += 1
            self._finished(ForwardMsg.FINISHED_SUCCESSFULLY, now)
        self.run += 1
        self.running, self.ended = True, False
        self.run_fragments = fragments
        ns = msg.new_session
        self.main_hash = ns.main_script_hash
        self.max_cache_age = ns.config.max_cached_message_age or self.max_cache_age
        if not self.run_fragments:  # a full run: the browser cancels every fragment's timer
            self._stop_auto_reruns()

    def _delta(self, msg: ForwardMsg, now: float) -> None:
        delta = msg.delta
        which = delta.WhichOneof("type")
        path = tuple(msg.metadata.delta_path)
        for w in self.waiters:
            if self.run > w.after_run:
                if w.first_delta is None:
                    w.first_delta = now
                w.deltas.append((now, msg))
        if which == "new_element":
            el = delta.new_element
            kind = el.WhichOneof("type")
            proto = getattr(el, kind)
            self._drop_below(path)
            old = self.nodes.get(path)
            node = Node(kind, proto, self.run, delta.fragment_id, msg.metadata.active_script_hash, msg.hash)
            self.nodes[path] = node
            if old is None or old.msg_hash != msg.hash:
                for w in self.waiters:
                    if self.run > w.after_run:
                        w.changed.add(path)
                if kind == "metric" and proto.label == self.watch_metric and proto.body != self.watched[1]:
                    if self.watched[0] is not None:
                        self.stats.add(TRAIN_REFRESH, now - self.watched[0])
                    self.watched = (now, proto.body)
            if kind in VALUED:
                state = value_state(kind, proto, self.values.get(proto.id))
                if state is not None:
                    self.values[proto.id] = state
            elif kind == "exception":
                text = f"{proto.type}: {proto.message}".strip(": ")
                where = self.pending or "background"
                self.stats.error(self.who, where, "exception", text)
                for w in self.waiters:
                    w.exceptions.append(text)
            elif kind == "alert" and proto.format == Alert.ERROR:
                self.stats.app_errors[self.pending or "background"] += 1
        elif which == "add_block":
            block = delta.add_block
            kind = "block:" + (block.WhichOneof("type") or "vertical")
            old = self.nodes.get(path)
            if old is None or old.kind != kind:
                self._drop_below(path)
            self.nodes[path] = Node(kind, block, self.run, delta.fragment_id, msg.metadata.active_script_hash, "")
        # new_transient (spinners), arrow_add_rows: nothing the next rerun needs

    def _drop_below(self, path: tuple[int, ...]) -> None:
        n = len(path)
        for p in [p for p in self.nodes if len(p) > n and p[:n] == path]:
            del self.nodes[p]

    def _finished(self, status: int, now: float) -> None:
        self.ended = True
        frags = self.run_fragments
        if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            # Another run started before this one's end went out. Either a request stopped it, and a full run follows
            # (the waits go on to its end), or the fragment run had finished and Streamlit relabelled its end when the
            # next run started, keeping what it drew (forward_msg_queue.py, `_update_script_finished_message`): the
            # browser shows it all, so the next run, if it is not a full one, ends this one's waits (`_new_session`).
            if frags:
                self.stats.cut_short["auto-rerun" if self.auto_reruns else "fragment"] += 1
                self.ended_early = (now, frags)
            self._resolve(now, frags, auto_only=True)
            return
        self.running = False
        # Clear what this run did not draw again (the browser's stale nodes), within the fragments it reran.
        stale = [
            p for p, n in self.nodes.items() if n.run != self.run and (not frags or n.fragment_id in frags)
        ]  # fmt: skip
        for p in stale:
            del self.nodes[p]
        active = {proto.id for _, proto, _ in self.widgets()}
        if not frags:
            self.values = {k: v for k, v in self.values.items() if k in active}
        # The browser's message cache: a message unused for more than max_cached_message_age runs is forgotten.
        self.finished_runs += 1
        for h, (_, used, frag) in list(self.cache.items()):
            if frags and (not frag or frag not in frags):
                continue
            if self.finished_runs - used > self.max_cache_age:
                del self.cache[h]
        if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
            self.stats.error(self.who, self.pending or "idle", "exception", "the script did not compile")
        self._resolve(now, frags)

    def _resolve(self, now: float, frags: list[str], auto_only: bool = False) -> None:
        """End the waits of the interactions whose run this was: a full run ends every wait (it reruns the
        fragments too); a fragment run, the waits for that fragment."""
        for w in list(self.waiters):
            if self.run <= w.after_run or (auto_only and not w.auto):
                continue
            if w.fragment_id and frags and w.fragment_id not in frags:
                continue
            if not w.fragment_id and frags:
                continue
            self.waiters.remove(w)
            if not w.done.done():
                w.done.set_result(now)

    # ------------------------------------------------------------------ fragments with run_every

    def _start_auto_rerun(self, fragment_id: str, interval: float) -> None:
        held = self.auto_reruns.get(fragment_id)
        if held is not None and held[0] == interval:
            return
        self._stop_auto_reruns(fragment_id)
        name = AUTO_NAMES.get(round(interval, 3))
        timer = asyncio.get_running_loop().create_task(self._tick(fragment_id, interval, name))
        self.auto_reruns[fragment_id] = (interval, timer)

    def _stop_auto_reruns(self, fragment_id: str | None = None) -> None:
        for fid in [fragment_id] if fragment_id else list(self.auto_reruns):
            held = self.auto_reruns.pop(fid, None)
            if held is not None:
                held[1].cancel()

    async def _tick(self, fragment_id: str, interval: float, name: str | None) -> None:
        """The browser's setInterval: a fragment rerun every `interval` s, whether or not the last one ended; timed as
        `name` (None: the training view's)."""
        while not self.dropped and not self.closing:
            await asyncio.sleep(interval)
            tick = asyncio.get_running_loop().create_task(self._timed_tick(fragment_id, name or TRAIN_TICK))
            self.ticks.add(tick)
            tick.add_done_callback(self.ticks.discard)

    async def _timed_tick(self, fragment_id: str, name: str) -> None:
        try:
            out = await self._rerun(name, {}, fragment_id=fragment_id, auto=True)
            self.stats.add(name, out.seconds)
        except ActionTimeout as e:
            self.stats.error(self.who, name, "timeout", str(e))
        except SessionDropped:
            pass  # counted once, where the socket was lost


# ---------------------------------------------------------------------------- the simulated people


def chat_first_words(out: Outcome) -> float | None:
    """Seconds from the question to the first words of the reply: the first markdown drawn in the last assistant
    message of the run (earlier turns of the conversation are redrawn before it)."""
    block = None
    for _, msg in out.deltas:
        d = msg.delta
        if d.WhichOneof("type") == "add_block" and d.add_block.WhichOneof("type") == "chat_message":
            if d.add_block.chat_message.name == "assistant":
                block = tuple(msg.metadata.delta_path)
    if block is None:
        return None
    for t, msg in out.deltas:
        path = tuple(msg.metadata.delta_path)
        d = msg.delta
        if path[: len(block)] == block and len(path) > len(block) and d.WhichOneof("type") == "new_element":
            el = d.new_element
            if el.WhichOneof("type") == "markdown" and el.markdown.body.strip():
                return t - out.sent
    return None


async def timed(session: Session, who: int, name: str, action, stats: Stats) -> Outcome | None:
    """Run one interaction, record its time or its error (and the server's CPU time for it, with a `cpu_clock`);
    None when it failed."""
    cpu0 = await asyncio.to_thread(stats.cpu_clock) if stats.cpu_clock else None
    try:
        out = await action()
    except WidgetMissing as e:
        stats.error(who, name, "widget not found", str(e))
        return None
    except asyncio.TimeoutError as e:  # ActionTimeout, or the websocket's opening handshake
        stats.error(who, name, "timeout", str(e) or f"no answer within {ACTION_TIMEOUT_S:.0f} s")
        return None
    except SessionDropped:
        raise
    except (OSError, websockets.InvalidHandshake) as e:  # the page or the websocket could not be opened
        stats.error(who, name, "connection failed", f"{type(e).__name__}: {e}")
        raise SessionDropped(str(e)) from e
    stats.add(name, out.seconds)
    if cpu0 is not None:
        stats.cpu.setdefault(name, []).append(await asyncio.to_thread(stats.cpu_clock) - cpu0)
    if not out.changed:
        stats.unchanged[name] += 1
    if name.startswith("chat:"):
        first = chat_first_words(out)
        if first is None:
            stats.error(who, name, "no reply", "no assistant message was drawn")
        else:
            stats.add(CHAT_FIRST, first)
    if stats.log:
        shown = Counter(out.changed)
        what = ", ".join(f"{k}×{n}" if n > 1 else k for k, n in sorted(shown.items())) or "nothing"
        first = f", first delta {out.first_delta_s * 1000:.0f} ms" if out.first_delta_s is not None else ""
        stats.log(f"student {who}: {name:40s} {out.seconds * 1000:7.0f} ms{first}; changed: {what}")
    return out


async def student(
    url: str,
    who: int,
    stats: Stats,
    until: float,
    think: float,
    seed: int,
    tour: tuple = TOUR,
    join: str = "",
    refresh: float = 0.0,
) -> None:
    """Opens the app on one page of the tour, then goes round it until `until` (monotonic s): each page's
    interactions with a pause of about `think` s before each, then the next page via the navigation. `join`: a
    class poll's code, joined first on the poll page (from then on every page shows the class bar). `refresh`: about
    every so many seconds (uniform ±50 %) the student opens the next page in a new tab instead, as a reload or a
    phone waking up does: the old session is left to the server's clean-up (0: never; the new tab has not joined
    `join`'s poll)."""
    rng = random.Random(seed * 1000 + who)
    start = who % len(tour)
    reconnects = 0
    while time.monotonic() < until and reconnects <= 3:
        session = Session(url, who, stats)
        refresh_at = time.monotonic() + rng.uniform(0.5 * refresh, 1.5 * refresh) if refresh else math.inf
        try:
            page = tour[start][0]
            if join:
                joining, going = (
                    (lambda s=session: s.open("poll", f"code={join}")),
                    (lambda s=session, p=page: s.switch_page(p)),
                )
                if await timed(session, who, OPEN_PAGE, joining, stats) is None:
                    return
                if await timed(session, who, NAVIGATE, going, stats) is None:
                    return
            elif await timed(session, who, OPEN_PAGE, lambda p=page, s=session: s.open(p), stats) is None:
                return
            step = 0
            while time.monotonic() < until:
                page, names = tour[(start + step) % len(tour)]
                if step:
                    await _pause(rng, think, until)
                    if time.monotonic() >= until:
                        break
                    if time.monotonic() >= refresh_at:  # a new tab on the next page; the old one is closed
                        await session.close()
                        session = Session(url, who, stats)
                        refresh_at = time.monotonic() + rng.uniform(0.5 * refresh, 1.5 * refresh)
                        stats.refreshes += 1
                        if await timed(session, who, OPEN_PAGE, lambda p=page, s=session: s.open(p), stats) is None:
                            return
                    else:
                        await timed(session, who, NAVIGATE, lambda p=page, s=session: s.switch_page(p), stats)
                for name in names:
                    await _pause(rng, think, until)
                    if time.monotonic() >= until:
                        break
                    before = set(session.auto_reruns)
                    out = await timed(session, who, name, lambda n=name, s=session: s.act(BY_NAME[n], rng), stats)
                    if out is not None and BY_NAME[name].watch:
                        await session.watch(BY_NAME[name].watch, out.sent, until, before)
                step += 1
            return
        except SessionDropped:
            reconnects += 1  # a browser reconnects: a fresh session on the page it was on
            start = (start + 1) % len(tour)
        finally:
            await session.close()


async def trainer(url: str, who: int, stats: Stats, until: float, think: float, seed: int) -> None:
    """Opens Train it yourself (the defaults: built-in chats, characters, the tiny model), presses Start, and
    watches the live view (its fragment reruns every 0.5 s) until `until`; a finished run gets more steps."""
    rng = random.Random(seed * 1000 + who)
    session = Session(url, who, stats)
    session.watch_metric = "Step"
    said = "did not start"
    try:
        if await timed(session, who, OPEN_PAGE, lambda: session.open(TRAIN_PAGE), stats) is None:
            return
        await _pause(rng, think, until)
        if await timed(session, who, TRAIN_START.name, lambda: session.act(TRAIN_START, rng), stats) is None:
            return
        said = "started"
        while time.monotonic() < until and not session.dropped:
            await asyncio.sleep(min(1.0, max(0.0, until - time.monotonic())))
            metrics = session.elements("metric")
            if metrics:
                said = ", ".join(f"{m.label.lower()} {m.body}" for m in metrics[:3])
            if not session.auto_reruns and not session.running and session.has(TRAIN_MORE.widget):
                await _pause(rng, think, until)  # the run is finished: a moment to look, then more steps
                if time.monotonic() >= until:
                    break
                session.watched = (None, "")
                await timed(session, who, TRAIN_MORE.name, lambda: session.act(TRAIN_MORE, rng), stats)
    except SessionDropped:
        pass
    finally:
        stats.training[who] = said + (f" (replica {session.replica})" if session.replica else "")
        await session.close()


START_POLL = Interaction("teacher: start a poll", "poll", Widget(("button",), None, "Start a poll"))


async def teacher(url: str, stats: Stats, ready: asyncio.Future, until: float, think: float) -> None:
    """Opens a class poll (its code goes to `ready`, for the students to join), then shows the class one page of the
    tour after another, about every 5 × `think` s, until `until`: each move rewrites where the teacher is, which
    every joined student's class bar reads."""
    session = Session(url, -2, stats)
    try:
        await timed(session, -2, OPEN_PAGE, lambda: session.open("poll"), stats)
        await timed(session, -2, START_POLL.name, lambda: session.act(START_POLL, random.Random(0)), stats)
        code = parse_qs(session.query).get("code", [""])[0]
        ready.set_result(code)
        if not code:
            stats.error(-2, START_POLL.name, "no poll", f"no code in the address: {session.query!r}")
            return
        step = 0
        while time.monotonic() < until and not session.dropped:
            await asyncio.sleep(min(5 * think, max(0.0, until - time.monotonic())))
            if time.monotonic() >= until:
                break
            page = TOUR[step % len(TOUR)][0]
            await timed(session, -2, TEACHER_MOVES, lambda p=page: session.switch_page(p), stats)
            step += 1
    except SessionDropped:
        pass
    finally:
        if not ready.done():
            ready.set_result("")
        await session.close()


async def warm_up(url: str, stats: Stats) -> dict[str, float]:
    """One visitor opens every page of the tour and the training page once, so that what a server computes once
    (the model, each page's cached figures) is not charged to the first students. Returns seconds per page;
    errors go to `stats`, times do not."""
    pages = [page for page, _ in TOUR] + [TRAIN_PAGE]
    session, seconds = Session(url, -1, stats), {}
    try:
        t0 = time.perf_counter()
        await session.open(pages[0])
        seconds[pages[0]] = time.perf_counter() - t0
        for page in pages[1:]:
            seconds[page] = (await session.switch_page(page)).seconds
    except (WidgetMissing, SessionDropped, OSError, websockets.InvalidHandshake) as e:
        stats.error(-1, "warm-up", type(e).__name__, str(e))
    finally:
        await session.close()
    return {k: round(v, 2) for k, v in seconds.items()}


async def _pause(rng: random.Random, think: float, until: float) -> None:
    await asyncio.sleep(max(0.0, min(rng.uniform(0.5 * think, 1.5 * think), until - time.monotonic())))
