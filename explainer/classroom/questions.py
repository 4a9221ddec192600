"""Class questions: one multiple-choice question per point of the story, for a class to answer on their phones
before (and after) the demo that settles it. Peer instruction: the class votes, talks to a neighbour, votes again,
and the board shows both votes before the right answer.

Each question names the lesson step it checks and the view whose demo shows the answer (a page, a section anchor and
preset settings, as the lesson plan's links do). The wrong choices are the common wrong ideas. Where the app can
check a right answer on the model itself, tests/test_questions.py does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from explainer.i18n import N_, _

LETTERS = "ABCD"
SURPRISE_TEXT = "User: What is the capital of France?\nAssistant: The capital of France is Paris."
QUESTION_KEY = "question"  # a link's preset question: /poll?view=question&question=temperature-zero
# Peer instruction's rule of thumb (Crouch & Mazur 2001, "Peer Instruction: Ten years of experience and results"):
# with fewer than about a third right, teach it again first; with more than about 70 %, explain briefly and move on;
# in between, the class gains most from talking it over.
FEW_RIGHT, MOST_RIGHT = 0.3, 0.7
ADVICE_FROM = 3  # answers before the teacher gets a suggestion


@dataclass(frozen=True)
class Question:  # its words are marked for the catalog (N_) and translated where they are shown
    key: str  # in addresses (QUESTION_KEY)
    step: int  # the lesson step it checks (explainer/ui/shell/lesson.py)
    text: str
    choices: tuple[str, ...]
    right: int  # the index of the right choice
    why: str  # the answer in one or two sentences, shown with the board
    page: str  # where the demo is: a page's url path, its view, preset settings
    view: str
    params: dict[str, str] = field(default_factory=dict)

    @property
    def letters(self) -> str:
        return LETTERS[: len(self.choices)]

    @property
    def right_letter(self) -> str:
        return LETTERS[self.right]


QUESTIONS: tuple[Question, ...] = (
    Question(
        "one-word-at-a-time",
        1,
        N_("How does a chatbot write its reply?"),
        (
            N_("It looks the reply up among answers people wrote"),
            N_("It predicts one word, adds it to the text, and predicts again"),
            N_("It plans the whole reply first, then writes it out"),
        ),
        1,
        N_(
            "The model only ever predicts the next token. The app adds it to the script and asks again, until the "
            "model predicts the end of the reply."
        ),
        "chat",
        "ask",
        {"script": "true"},
    ),
    Question(
        "words-in-its-mouth",
        1,
        N_(
            "The chatbot's reply is made to begin “I do not know”, then it is asked the capital of France, which it "
            "knows. What does it write next?"
        ),
        (
            N_("“…, but it is Paris”: it knows better than the words it was given"),
            N_("It goes on from those words as if it had written them"),
            N_("Nothing: it sees the words are not its own, and stops"),
        ),
        1,
        N_(
            "Nothing in the script says who wrote which words: the model continues the text it is given. The built-in "
            "model, which answers Paris on its own, writes “I do not know the answer to that.”"
        ),
        "chat",
        "ask",
        {"script": "true", "temperature": "0", "opening": "I do not know"},
    ),
    Question(
        "past-its-reply",
        1,
        N_(
            "The chatbot has answered “Two plus three is five.” If the app did not stop reading there, what would "
            "the model write next?"
        ),
        (
            N_("Nothing: it knows its answer is complete"),
            N_("The person's next question, then an answer to it"),
            N_("Its answer again, word for word"),
        ),
        1,
        N_(
            "The model continues the script, whoever's line comes next: the built-in model goes on “User: What about "
            "seven plus ten?” and answers it. The app stops reading at the end of the reply and waits for a real "
            "person."
        ),
        "chat",
        "ask",
        {"script": "true", "temperature": "0", "run_on": "true"},
    ),
    Question(
        "a-probability-for-every-word",
        2,
        N_("The model reads “The capital of France is”. What does it give back?"),
        (
            N_("One word: “Paris”"),
            N_("A probability for every word it knows"),
            N_("The three best answers"),
        ),
        1,
        N_("Every token of its vocabulary gets a probability, and together they add up to 100 %."),
        "next-word",
        "bars",
    ),
    Question(
        "the-surprising-word",
        2,
        N_(
            "The model reads “User: What is the capital of France? Assistant: The capital of France is Paris.” Which "
            "word had it least expected, from the words before it?"
        ),
        (N_("“France”, in the question"), N_("“Paris”, in the answer"), N_("“capital”, in the answer")),
        0,
        N_(
            "“France” in the question (under 1 %): nothing before it says which country will be asked about. By the "
            "answer every word follows from the question (“Paris”: 99.6 %). What surprises a model is the news."
        ),
        "next-word",
        "surprise",
        {"prompt": SURPRISE_TEXT},
    ),
    Question(
        "temperature-zero",
        3,
        N_("At temperature 0, twenty runs of the same prompt write…"),
        (
            N_("the same reply twenty times"),
            N_("twenty different replies"),
            N_("about ten different replies"),
        ),
        0,
        N_("At temperature 0 the likeliest word is always taken: no dice roll, so every run writes the same."),
        "sampling",
        "compare",
        {"temperature": "0"},
    ),
    Question(
        "years-of-reading",
        4,
        N_(
            "Reading non-stop, day and night, at the pace of speech: how long would one person need for GPT-3's "
            "training text?"
        ),
        (N_("about 30 years"), N_("over 2,600 years"), N_("about 3 million years")),
        1,
        N_("Some 2,800 years: about 225 billion words at 150 words a minute. Later models read far more."),
        "scale",
        "reading",
    ),
    Question(
        "looked-up-or-learnt",
        4,
        N_(
            "“Tell me what a sheep eats.” is nowhere in the built-in model's training text. After “…eats. Assistant: "
            "A” that text has wolf, deer or bear, never sheep. Asked what a sheep eats, what does the model write "
            "after “A”?"
        ),
        (
            N_("wolf, deer or bear: what came after those words in its text"),
            N_("nothing sensible: it cannot answer what it never read"),
            N_("sheep: it learnt that the answer names the animal asked about"),
        ),
        2,
        N_(
            "“sheep”, at 99.8%: the model does not look answers up. From many questions it learnt that the reply "
            "repeats the animal asked about, and it reads the whole question, not only its last words."
        ),
        "what-it-read",
        "lookup",
    ),
    Question(
        "random-dials",
        5,
        N_("Before any training, the model's parameters are…"),
        (
            N_("set by hand by its engineers"),
            N_("random numbers, so it writes gibberish"),
            N_("copied from a dictionary"),
        ),
        1,
        N_(
            "They start random, and training refines them from examples: the first samples of a training are gibberish."
        ),
        "train",
        "live",
    ),
    Question(
        "one-step-nudges-all",
        6,
        N_("One training step on “The capital of France is Paris”: what changes?"),
        (
            N_("Only the numbers of the word “Paris”"),
            N_("Almost every parameter, each a little, so that “Paris” gets likelier"),
            N_("The model stores the sentence, to look it up later"),
        ),
        1,
        N_(
            "Backpropagation gives almost every parameter a small nudge: the true word gets likelier, the others "
            "a little less likely. Nothing is stored as a sentence."
        ),
        "train",
        "nudge",
    ),
    Question(
        "who-guesses-better",
        6,
        N_(
            "A lookup finds the last words of a text in the model's training text and takes the word that came next "
            "there most often. On text that neither has read, who guesses the next word right more often?"
        ),
        (
            N_("The lookup: it holds every word of the training text"),
            N_("Both the same: neither has read that text"),
            N_("The model: it learnt what such texts go on with"),
        ),
        2,
        N_(
            "The model: on 100 pieces of text it never read, the built-in model guessed 79 next words right, the "
            "lookup 69. On text it read, the lookup wins, 97 to 89: it stores the text, the model learns from it."
        ),
        "what-it-read",
        "score",
    ),
    Question(
        "memorising",
        6,
        N_(
            "During training, the loss on the training text keeps falling, while the loss on the validation text, "
            "never trained on, starts to climb. What is the model doing?"
        ),
        (
            N_("Learning patterns that carry over to any text"),
            N_("Learning its training text by heart"),
            N_("Nothing: its learning rate is too small"),
        ),
        1,
        N_(
            "It is memorising (overfitting): better on the text it reads, worse on text it has not read. After a run "
            "on Train it yourself, “Again, on just 3,000 characters of its text” shows it, and the page says so."
        ),
        "train",
        "live",
    ),
    Question(
        "hundred-million-years",
        7,
        N_("At a billion operations a second, computing the training of the largest models would take…"),
        (N_("about a year"), N_("about 10,000 years"), N_("well over 100 million years")),
        2,
        N_("Well over 100 million years: that is why they are trained on thousands of chips working in parallel."),
        "scale",
        "computing",
    ),
    Question(
        "second-training",
        8,
        N_("After reading the internet, a chatbot is trained a second time. Why?"),
        (
            N_("To learn more facts"),
            N_("Finishing internet text is not the same as being a helpful assistant"),
            N_("To make it run faster"),
        ),
        1,
        N_(
            "People judge its answers, and their preferences move the parameters toward the replies users find helpful."
        ),
        "feedback",
        "try",
    ),
    Question(
        "all-at-once",
        9,
        N_("What made the transformer so much faster to train than earlier language models?"),
        (
            N_("It reads every word of a text at once, in parallel"),
            N_("It has fewer parameters"),
            N_("It skips the unimportant words"),
        ),
        0,
        N_(
            "Before 2017 most models read one word after the other. A transformer works on every position at once, "
            "which is what GPUs are built for."
        ),
        "why-gpus",
        "race",
    ),
    Question(
        "rare-word-in-pieces",
        10,
        N_("“hippopotamus” is not in the model's vocabulary. The model reads it…"),
        (
            N_("as one “unknown” token: it cannot tell what was written"),
            N_("in smaller pieces that are in its vocabulary"),
            N_("as the word in its vocabulary closest in spelling"),
        ),
        1,
        N_(
            "Its tokens start from single bytes, so any text can be written with tokens it knows: a rare word comes "
            "in several pieces, each with its own number."
        ),
        "tokens",
        "pieces",
        {"tok_text": "The hippopotamus swims in the river."},
    ),
    Question(
        "one-vector-per-token",
        10,
        N_("“bank” by a river and “bank” for money: before the first layer, their vectors are…"),
        (
            N_("exactly the same"),
            N_("different, because the meanings differ"),
            N_("opposite to each other"),
        ),
        0,
        N_(
            "The embedding table has one vector per token, so both start the same. Only the layers mix in the "
            "words around them."
        ),
        "meaning",
        "paths",
        {"mean_word": "bank"},
    ),
    Question(
        "attention-looks-back",
        11,
        N_("In “The capital of France is”, which words can the vector of “of” take information from?"),
        (
            N_("All five words"),
            N_("“The”, “capital” and itself"),
            N_("Only “France”"),
        ),
        1,
        N_(
            "A model that predicts the next word only looks back: each token attends to itself and to the tokens "
            "before it, never to the words still to come."
        ),
        "attention",
        "head",
    ),
    Question(
        "feed-forward-one-vector",
        12,
        N_("A feed-forward network works on…"),
        (
            N_("all the tokens' vectors together, mixing them"),
            N_("each token's vector on its own, the same way for every token"),
            N_("only the vector of the last token"),
        ),
        1,
        N_(
            "Attention is where the vectors talk to each other; the feed-forward network then works on each vector "
            "alone, with the same weights for every token: the patterns it learned in training."
        ),
        "layers",
        "neurons",
    ),
    Question(
        "neuron-writes",
        12,
        N_("A neuron of a feed-forward network fires for a token. What does it do?"),
        (
            N_("It picks the next word on its own"),
            N_("It replaces the token's vector with one it stored"),
            N_("It adds its own vector to the token's, raising some words' scores a little"),
        ),
        2,
        N_(
            "Each neuron that fires adds its own vector to the token's, times how strongly it fired. No single neuron "
            "decides: for “Paris”, the neuron that writes most adds less than a tenth of its score."
        ),
        "layers",
        "neurons",
    ),
    Question(
        "layers-add",
        13,
        N_("What does each layer do to a token's vector?"),
        (
            N_("It replaces it with a new vector"),
            N_("It adds to it: the vector keeps what it had and gains more"),
            N_("It leaves it alone unless the token is important"),
        ),
        1,
        N_(
            "Attention and the feed-forward network each add their result to the vector (the residual stream), "
            "layer after layer, so it keeps what it had and gathers what the next word needs."
        ),
        "layers",
        "flow",
    ),
    Question(
        "last-vector-predicts",
        14,
        N_("Which vector gives the probabilities of the next word?"),
        (
            N_("The average of all the vectors"),
            N_("The vector of the last token, after the last layer"),
            N_("The vector of the most important word"),
        ),
        1,
        N_(
            "Only the last token's vector is turned into scores, one per word of the vocabulary. By then, attention "
            "has brought into it what the words before say."
        ),
        "last-vector",
        "scores",
    ),
    Question(
        "score-two-higher",
        14,
        N_("Before the softmax, word A scores 2 more than word B. Word A is…"),
        (N_("2 % likelier"), N_("twice as likely"), N_("about 7 times as likely")),
        2,
        N_("The softmax turns a score into e to the power of that score: 2 more is e² ≈ 7.4 times as likely."),
        "last-vector",
        "scores",
    ),
    Question(
        "nobody-wrote-the-rule",
        15,
        N_("Who decided that this model answers “Paris”?"),
        (
            N_("An engineer wrote a rule for it"),
            N_("Nobody: it came out of training on examples"),
            N_("The model looked it up online"),
        ),
        1,
        N_(
            "People design the framework; the behaviour comes from how training tuned the parameters. That is why "
            "it is hard to say why a model answers as it does."
        ),
        "emergence",
        "rules",
    ),
)

BY_KEY: dict[str, Question] = {q.key: q for q in QUESTIONS}


def next_move(share_right: float) -> str:
    """What the teacher might do next, from the share of the class right so far; it never names the right answer (the
    teacher's screen is on the projector)."""
    if share_right < FEW_RIGHT:
        return _("Few have it right so far: show the demo first, then ask again.")
    if share_right > MOST_RIGHT:
        return _("Most have it right: show the answer, and let someone explain it.")
    return _("The class is split: a good moment to talk to a neighbour and vote again.")
