"""The class poll's page pieces: the teacher opens a poll on a text, the students join with its code (or the QR code)
and each sends a guess for the next word; the board then shows the class's guesses beside the model's probabilities.

Both sides follow the poll with a fragment that reruns every POLL_TICK_S: it shows how many have guessed and, when
the teacher moves the poll on (answer shown, next question), reruns the page so that everyone's screen follows.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field

import streamlit as st

from explainer.classroom.poll import (
    CODE_KEY,
    KEY_KEY,
    MAX_GUESS_CHARS,
    MAX_TEMPERATURE,
    Poll,
    PollError,
    PollStore,
    board,
    draw,
    drawn_answer,
    join_address,
    model_answer,
    new_voter,
    normal_code,
    tally,
)
from explainer.classroom.questions import ADVICE_FROM, QUESTION_KEY, next_move
from explainer.config import settings
from explainer.format import html_escape, md_escape, number, percent
from explainer.generation.next_token import joined, word_probability
from explainer.generation.script import StartedReply
from explainer.i18n import _, ngettext
from explainer.model.sampling import make_generator
from explainer.training.class_words import learn_words
from explainer.ui.poll_board import drawing_note, question_box, show_board
from explainer.ui.prediction import PROMPT_KEY, prompt_box, set_prompt
from explainer.ui.shell.language import LOCALIZED
from explainer.ui.shell.models import current_spec, get_backend, require_backend
from explainer.ui.shell.navigation import carrying, link_page
from explainer.ui.shell.presenter import presenting
from explainer.ui.shell.share import qr_code
from explainer.ui.shell.state import SessionObject
from explainer.ui.shell.views import VIEW_KEY, section

POLL_TICK_S = 2.0


@dataclass
class PollState(SessionObject):
    KEY = "class_poll"
    voter: str = field(default_factory=new_voter)  # this student's id in every poll
    drawn: tuple | None = None  # the poll's stage the page was last drawn for (`stage`)
    sent: dict[tuple[str, int], str] = field(default_factory=dict)  # (code, round) -> the guess sent
    problem: str | None = None  # what went wrong in the teacher's last click, said once
    hosting: tuple[str, str] | None = None  # (code, teacher's key) of the poll this tab runs (explainer/ui/follow.py)
    joined: str | None = None  # the code of the poll this student joined: every page says where the teacher is
    led: tuple | None = None  # the view this teacher's tab last showed the class


def store() -> PollStore:
    return PollStore(settings().polls)


# ---------------------------------------------------------------------------- the teacher's side


def join_panel(code: str, address: str) -> None:
    """The code, big, the address and its QR code: what the projector shows while the class joins."""
    size, join = "5rem" if presenting() else "3.5rem", html_escape(_("Join with the code"))
    st.html(
        '<div style="display:flex;gap:2rem;align-items:center;flex-wrap:wrap">'
        f"{qr_code(address, 5 if presenting() else 4)}<div><div>{join}</div>"
        f'<div class="poll-code" style="font:700 {size}/1.1 ui-monospace,monospace;letter-spacing:.2em">{code}</div>'
        f'<div style="font-size:1.1rem;word-break:break-all">{html_escape(address)}</div></div></div>'
    )


def teacher_view(poll: Poll) -> None:
    join_panel(poll.code, join_address(st.context.url, poll.code))
    question_box(poll)
    drawing_note(poll)
    guesses = list(store().guesses(poll).values())
    if poll.revealed:
        show_board(poll, guesses)
        hide_control(poll, guesses)
        word = (board(guesses, poll.answer, hidden=poll.hidden)[0] or [None])[0]
        if word is not None:
            st.button(
                _("Add “{word}” and ask again").format(word=word.word),
                on_click=act,
                args=(_ask, poll.code, joined(poll.question, word.word)),
                type="primary",
                icon=":material/redo:",
                help=_("The class's favourite word joins the text, as a model adds its word: then the next guess."),
            )
        if poll.drawing:
            again_control(poll)
        elif guesses and not poll.trained:
            st.button(
                _("Train the model on the class's guesses"), on_click=act, args=(_train, poll.code),
                icon=":material/model_training:",
                help=_("Each guess is one training example, “this text, then this word”: a few training steps on a "
                       "copy of the model make the class's words likelier (the shared model does not change)."),
            )  # fmt: skip
    else:
        follow(poll)
        st.button(
            _("Show the answers"),
            on_click=act,
            args=(_reveal, poll.code),
            type="primary",
            icon=":material/visibility:",
            help=_("Ends the guessing and shows the class's guesses beside the model's probabilities."),
        )


def text_control(poll: Poll) -> None:
    """The teacher asks the class to continue another text (or, after a class question, a text again)."""
    prompt_box(poll.question, label=_("The text the class continues"))
    st.button(_("Ask this"), on_click=act, args=(_ask_typed, poll.code), icon=":material/send:")


def again_control(poll: Poll) -> None:
    """A drawing class draws the same word again at another temperature: the spread narrows or widens."""
    key = f"poll_next_temperature_{poll.code}"
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    t = left.slider(_("Temperature"), 0.0, MAX_TEMPERATURE, float(poll.temperature), 0.1, format=LOCALIZED, key=key)
    right.button(
        _("Draw again at {t}").format(t=number(t, 1)), on_click=act, args=(_draw_again, poll.code, key),
        icon=":material/casino:",
        help=_("The same text, a new round: every student draws again, at this temperature."),
    )  # fmt: skip


def _draw_again(code: str, key: str) -> None:
    poll = store().get(code)
    if poll is None:
        raise PollError(_("This poll has ended."))
    store().ask(code, poll.question, temperature=st.session_state.get(key))


def hide_control(poll: Poll, guesses: list[str]) -> None:
    """The teacher takes an answer off the board (a word the class should not see projected), on every screen, with
    one click on it; a hidden answer gets a button that brings it back."""
    rows, _other = board(guesses, poll.answer, hidden=poll.hidden)
    shown = [r.word for r in rows if r.share > 0]  # the class's answers on the board
    hidden = [w for w, _n in tally(guesses) if w.casefold() in poll.hidden]
    if not shown and not hidden:
        return
    with st.expander(_("Hide an answer from the board"), icon=":material/visibility_off:"):
        st.caption(_("Click an answer to hide it on every screen (it still counts among the other answers)"))
        with st.container(horizontal=True):
            for word in shown:
                st.button(
                    md_escape(word), key=f"poll_hide_{poll.round}_{word.casefold()}", on_click=act,
                    args=(_hide, poll.code, word, True), icon=":material/visibility_off:",
                )  # fmt: skip
            for word in hidden:
                st.button(
                    _("Show “{word}” again").format(word=md_escape(word)), on_click=act,
                    key=f"poll_show_{poll.round}_{word.casefold()}", args=(_hide, poll.code, word, False),
                    icon=":material/visibility:",
                )  # fmt: skip


def _hide(code: str, word: str, hide: bool) -> None:
    store().hide(code, word, hide)


def act(action, *args) -> None:
    """A teacher's click (a widget callback): a poll that ended meanwhile, a folder the server cannot write, a model
    that cannot be loaded are said at the top of the page, never raised."""
    try:
        action(*args)
    except ValueError as e:  # PollError, BackendError
        PollState.of().problem = str(e)


def said_problem() -> None:
    """What went wrong in the last click, said once."""
    state = PollState.of()
    if state.problem:
        st.error(state.problem, icon=":material/error:")
        state.problem = None


def _reveal(code: str) -> None:
    poll = store().get(code)
    if poll is None:
        raise PollError(_("This poll has ended."))
    backend, guesses = get_backend(poll.model or current_spec()), list(store().guesses(poll).values())
    if poll.drawing:
        store().reveal(code, drawn_answer(backend, poll.question, poll.temperature, guesses))
    else:
        store().reveal(code, model_answer(backend, poll.question, guesses))


def _train(code: str) -> None:
    """A copy of the model learns from the class's guesses (a word taken off the board is no example); every screen
    then shows its probabilities beside the model's."""
    poll = store().get(code)
    if poll is None:
        raise PollError(_("This poll has ended."))
    counts = {w: n for w, n in tally(list(store().guesses(poll).values())) if w.casefold() not in poll.hidden}
    backend = get_backend(poll.model or current_spec())
    if problem := backend.clone_problem():
        raise PollError(problem)
    copy = backend.clone()
    learn_words(copy, poll.question, counts)
    asked = [w for w in poll.answer if w.casefold() not in poll.hidden]
    store().learnt(code, {w: word_probability(copy, poll.question, w) for w in asked})


def _ask(code: str, question: str) -> None:
    store().ask(code, question)
    set_prompt(question)


def _ask_typed(code: str) -> None:
    """Ask what the text box holds now (read in the callback: the click may be what committed the typing)."""
    _ask(code, st.session_state.get(PROMPT_KEY) or "")


def end_poll(code: str) -> None:
    store().close(code)
    PollState.of().hosting = None
    st.query_params.pop(CODE_KEY, None)
    st.query_params.pop(KEY_KEY, None)


def start_view(default_question: StartedReply) -> None:
    """No poll yet: a student joins one with its code; a teacher starts one."""
    section(_("Join your class's poll"), "join")
    with st.form("join", border=False, enter_to_submit=True):
        code = st.text_input(_("The code on the board"), max_chars=8)
        if st.form_submit_button(_("Join"), icon=":material/login:"):
            if store().get(code) is None:
                st.error(_("No poll has the code “{code}”: check the code on the board.").format(code=md_escape(code)))
            else:
                st.query_params[CODE_KEY] = normal_code(code)
                st.rerun()
    section(_("Ask your class"), "ask")
    st.markdown(
        _(
            "Every student guesses the next word on their own device; the board then shows the class's guesses "
            "beside the model's probabilities."
        )
    )
    text = prompt_box(default_question.text(require_backend()), label=_("The text the class continues"))
    drawing = st.toggle(
        _("The class draws the word from the model instead of guessing it"), key="poll_drawing", bind="query-params",
        help=_("Every student's device draws one word from the model's probabilities, as a chatbot does: the board "
        "then shows how often each word came up beside its probability."),
    )  # fmt: skip
    temperature = None
    if drawing:
        temperature = st.slider(
            _("Temperature"), 0.0, MAX_TEMPERATURE, 1.0, 0.1, format=LOCALIZED, key="poll_temperature"
        )
    hosted = hosted_poll()
    if hosted is not None and hosted.drawing == drawing:  # the class keeps its code: the question goes to its poll
        if st.button(
            _("Ask this text in your poll ({code})").format(code=hosted.code),
            type="primary",
            icon=":material/how_to_vote:",
        ):
            show_poll(lambda: store().ask(hosted.code, text, temperature))
    elif st.button(_("Start a poll"), type="primary", icon=":material/how_to_vote:"):
        show_poll(lambda: store().open(text, temperature, model=current_spec()))


def host(poll: Poll) -> None:
    """This tab runs `poll` from now on (explainer/ui/follow.py); a poll it ran before stops showing its class where
    this tab is (its students' screens would point at a page the teacher has left)."""
    state = PollState.of()
    if state.hosting is not None and state.hosting[0] != poll.code:
        with suppress(PollError):
            store().lead(state.hosting[0], "", {})
        state.led = None
    state.hosting = (poll.code, poll.key)


def hosted_poll() -> Poll | None:
    """The poll this tab runs, while it is open: a new question goes to it, so that the class keeps its code (and
    the students who joined keep following, explainer/ui/follow.py)."""
    hosting = PollState.of().hosting
    return store().get(hosting[0]) if hosting else None


def show_poll(make: Callable[[], Poll]) -> None:
    """Open a poll or ask its next question (`make`), then show it as its teacher; what went wrong is said."""
    try:
        poll = make()
    except PollError as e:
        st.error(str(e))
        return
    st.query_params[CODE_KEY], st.query_params[KEY_KEY] = poll.code, poll.key
    st.query_params.pop(QUESTION_KEY, None)
    st.query_params.pop(VIEW_KEY, None)
    st.rerun()


def poll_link(text: str) -> None:
    """A link that opens a class poll on `text` (from the next-word page)."""
    if (page := link_page("poll")) is not None:
        st.page_link(
            page,
            label=_("Ask the class first"),
            query_params=carrying({PROMPT_KEY: text, VIEW_KEY: "ask"}),
            icon=":material/how_to_vote:",
            help=_("A class poll on this text: every student guesses the next word, then the model answers."),
        )


def student_view(poll: Poll) -> None:
    state = PollState.of()
    question_box(poll)
    drawing_note(poll)
    sent = state.sent.get((poll.code, poll.round))
    if poll.revealed:
        if sent is not None:
            p = poll.model_probability(sent)
            said = (
                _("You drew **{word}**: its probability was {p}.")
                if poll.drawing
                else _("You guessed **{word}**: the model gives it {p}.")
            )
            st.markdown(said.format(word=md_escape(sent), p=percent(p) if p is not None else "—"))
        show_board(poll, list(store().guesses(poll).values()))
    elif poll.drawing:
        draw_control(poll, sent)
    else:
        with st.form("guess", border=False, enter_to_submit=True, clear_on_submit=True):
            guess = st.text_input(_("Your guess for the next word"), max_chars=MAX_GUESS_CHARS)
            if st.form_submit_button(_("Send"), type="primary", icon=":material/send:"):
                try:
                    state.sent[(poll.code, poll.round)] = sent = store().vote(poll.code, state.voter, guess)
                except PollError as e:
                    st.error(str(e))
        if sent is not None:
            st.success(
                _("Sent: **{word}**. You may change it until the answers are shown.").format(word=md_escape(sent)),
                icon=":material/check:",
            )
    follow(poll)
    leave_button()


def leave_button() -> None:
    if st.button(_("Leave the poll"), icon=":material/logout:"):
        st.query_params.pop(CODE_KEY, None)
        PollState.of().joined = None
        st.rerun()


def draw_control(poll: Poll, sent: str | None) -> None:
    """A drawing student's one draw of the round: the button, then the word it drew."""
    if sent is None:
        st.button(
            _("Draw the next word"), type="primary", icon=":material/casino:", on_click=_draw, args=(poll,),
            help=_("Your device draws one word from the model's probabilities: likelier words come up more often."),
        )  # fmt: skip
    else:
        st.success(
            _("You drew **{word}**. Wait for the board: how often did the others draw it?").format(
                word=md_escape(sent)
            ),
            icon=":material/casino:",
        )


def _draw(poll: Poll) -> None:
    state = PollState.of()
    try:
        dice = make_generator()[0]  # a seed of its own: torch's shared one starts alike in every replica
        word = draw(get_backend(poll.model or current_spec()), poll.question, poll.temperature, dice)
        state.sent[(poll.code, poll.round)] = store().vote(poll.code, state.voter, word)
    except ValueError as e:  # PollError (the round ended meanwhile), BackendError
        state.problem = str(e)


def follow(poll: Poll, teacher: bool = False) -> None:
    """Keep this screen with the poll: a fragment that counts the guesses every POLL_TICK_S and redraws the page
    when the teacher moves the poll on; a class question's teacher also gets a suggestion of what to do next."""
    PollState.of().drawn = stage(poll)
    st.fragment(run_every=POLL_TICK_S)(_follow)(poll.code, teacher)


def stage(poll: Poll) -> tuple:
    """What a screen redraws for: a new question, the answer shown, an answer hidden, the model trained."""
    return poll.code, poll.round, poll.revealed, tuple(poll.hidden), bool(poll.trained)


def _follow(code: str, teacher: bool) -> None:
    poll = store().get(code)
    if poll is None or stage(poll) != PollState.of().drawn:
        st.rerun()  # the whole page: the poll moved on (or ended)
    if not poll.revealed:
        n = store().count(poll)
        if poll.judging:
            st.markdown(ngettext("**{n}** vote so far", "**{n}** votes so far", n).format(n=number(n)))
        elif poll.asked is not None:
            st.markdown(ngettext("**{n}** answer so far", "**{n}** answers so far", n).format(n=number(n)))
            if teacher and n >= ADVICE_FROM:
                answers = list(store().guesses(poll).values())
                st.caption(next_move(answers.count(poll.asked.right_letter) / max(len(answers), 1)))
        elif poll.drawing:
            st.markdown(ngettext("**{n}** draw so far", "**{n}** draws so far", n).format(n=number(n)))
        else:
            st.markdown(ngettext("**{n}** guess so far", "**{n}** guesses so far", n).format(n=number(n)))
