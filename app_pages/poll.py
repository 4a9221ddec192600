"""Class poll: every student guesses the next word on their own device; the board shows the class's guesses beside
the model's probabilities (the class is a language model too). Or the class answers a question about how the model
works, talks, and answers again (explainer/ui/poll_questions.py)."""

import streamlit as st

from explainer.classroom.poll import CODE_KEY, KEY_KEY
from explainer.format import md_escape
from explainer.generation.script import StartedReply
from explainer.i18n import _
from explainer.ui import poll_judge as judging
from explainer.ui import poll_questions as questions
from explainer.ui.poll import PollState, host, said_problem, start_view, store, student_view, teacher_view
from explainer.ui.shell.models import require_backend
from explainer.ui.shell.words import for_the_teacher

DEFAULT_QUESTION = StartedReply("Tell me a short story about a fox.", "Once upon a time,")

st.title(_("Class poll"))
code = st.query_params.get(CODE_KEY)
poll = store().get(code) if code else None
if poll is not None and poll.asked is not None:
    st.markdown(
        _(
            "A question for the whole class: everyone answers on their own device, and the board shows how the class "
            "answered before the right answer."
        )
    )
elif poll is not None and poll.judging:
    st.markdown(
        _(
            "The class trains the model: everyone votes for the answer they would rather get, and the votes then "
            "change the model, as people's judgements change a real chatbot."
        )
    )
else:
    st.markdown(
        _(
            "Before the model answers, the class does: what word comes next? A class's guesses spread over several "
            "words, as a model's probabilities do."
        )
    )
with for_the_teacher("token"):
    st.markdown(
        _(
            "Open a poll on any text, show the code or the QR code, and the students send their guesses from their "
            "phones or laptops (on this app's address, no account). **Show the answers** ends the guessing and puts "
            "the model's probability of each word beside the share of the class that guessed it: the probability "
            "of a word is the product of its tokens' probabilities. Then add the class's word and ask again: the "
            "class writes a text one word at a time, as a model does. Or train the model on the class's guesses: "
            "each guess is one training example, and the board shows the model moving toward the class."
        )
    )
    st.markdown(
        _(
            "A class question works as peer instruction: each student answers alone first; then they try to "
            "convince a neighbour and everyone answers again, before you show the answer. Talking it over usually "
            "moves the class toward the right answer, and the board shows both votes. Each answer links to the "
            "demo that shows it."
        )
    )
    st.markdown(
        _(
            "The class can also be the people who judge a chatbot's answers: on the Human feedback page, ask a "
            "question and let the class judge the answers. Every student votes for the better one, and all the "
            "votes then change your copy of the model at once."
        )
    )
    st.markdown(
        _(
            "Run the lesson from the tab that opened the poll: while it is open, the students who joined see at the "
            "top of every page the page you show, with a link to it (the switch is in the sidebar), and the "
            "lesson's next questions go to the same poll, so the class keeps its code."
        )
    )

said_problem()
if poll is not None and poll.hosted_by(st.query_params.get(KEY_KEY)):
    host(poll)  # this tab leads the class from now on (explainer/ui/follow.py)
    kind = questions if poll.asked is not None else judging if poll.judging else None  # else: a next word
    (kind.teacher_view if kind else teacher_view)(poll)
    questions.teacher_controls(poll)
elif poll is not None:
    PollState.of().joined = poll.code  # every page now says where the teacher is
    kind = questions if poll.asked is not None else judging if poll.judging else None
    (kind.student_view if kind else student_view)(poll)
else:
    if code:
        st.warning(
            _("No poll with the code “{code}” is open: it has ended, or the code is mistyped.").format(
                code=md_escape(code[:8])
            ),
            icon=":material/search_off:",
        )
    start_view(DEFAULT_QUESTION)
    questions.start_section(DEFAULT_QUESTION.text(require_backend()))
