"""Fact tables, phrasing templates and story pieces for the built-in corpus (see corpus.py).

Every string here is canonical text: ASCII letters, digits, single spaces and the punctuation
. , ? ! : + = (apostrophes only inside words). Templates use str.format slots such as {country}.
"""

from __future__ import annotations

from typing import NamedTuple


class Country(NamedTuple):
    name: str
    capital: str
    continent: str  # "Europe", "Asia", "Africa", "Oceania", "North America" or "South America"
    language: str


# Single-word countries with single-word capitals and a single-word main language.
COUNTRIES: list[Country] = [
    Country("France", "Paris", "Europe", "French"),
    Country("Germany", "Berlin", "Europe", "German"),
    Country("Spain", "Madrid", "Europe", "Spanish"),
    Country("Italy", "Rome", "Europe", "Italian"),
    Country("Portugal", "Lisbon", "Europe", "Portuguese"),
    Country("Greece", "Athens", "Europe", "Greek"),
    Country("Poland", "Warsaw", "Europe", "Polish"),
    Country("Sweden", "Stockholm", "Europe", "Swedish"),
    Country("Norway", "Oslo", "Europe", "Norwegian"),
    Country("Denmark", "Copenhagen", "Europe", "Danish"),
    Country("Finland", "Helsinki", "Europe", "Finnish"),
    Country("Ireland", "Dublin", "Europe", "English"),
    Country("Austria", "Vienna", "Europe", "German"),
    Country("Hungary", "Budapest", "Europe", "Hungarian"),
    Country("Romania", "Bucharest", "Europe", "Romanian"),
    Country("Bulgaria", "Sofia", "Europe", "Bulgarian"),
    Country("Serbia", "Belgrade", "Europe", "Serbian"),
    Country("Croatia", "Zagreb", "Europe", "Croatian"),
    Country("Ukraine", "Kyiv", "Europe", "Ukrainian"),
    Country("Iceland", "Reykjavik", "Europe", "Icelandic"),
    Country("Netherlands", "Amsterdam", "Europe", "Dutch"),
    Country("Estonia", "Tallinn", "Europe", "Estonian"),
    Country("Czechia", "Prague", "Europe", "Czech"),
    Country("Lithuania", "Vilnius", "Europe", "Lithuanian"),
    Country("Japan", "Tokyo", "Asia", "Japanese"),
    Country("China", "Beijing", "Asia", "Chinese"),
    Country("Thailand", "Bangkok", "Asia", "Thai"),
    Country("Vietnam", "Hanoi", "Asia", "Vietnamese"),
    Country("Indonesia", "Jakarta", "Asia", "Indonesian"),
    Country("Philippines", "Manila", "Asia", "Filipino"),
    Country("Iran", "Tehran", "Asia", "Persian"),
    Country("Iraq", "Baghdad", "Asia", "Arabic"),
    Country("Jordan", "Amman", "Asia", "Arabic"),
    Country("Lebanon", "Beirut", "Asia", "Arabic"),
    Country("Syria", "Damascus", "Asia", "Arabic"),
    Country("Pakistan", "Islamabad", "Asia", "Urdu"),
    Country("Bangladesh", "Dhaka", "Asia", "Bengali"),
    Country("Nepal", "Kathmandu", "Asia", "Nepali"),
    Country("Mongolia", "Ulaanbaatar", "Asia", "Mongolian"),
    Country("Qatar", "Doha", "Asia", "Arabic"),
    Country("Uzbekistan", "Tashkent", "Asia", "Uzbek"),
    Country("Kenya", "Nairobi", "Africa", "Swahili"),
    Country("Egypt", "Cairo", "Africa", "Arabic"),
    Country("Nigeria", "Abuja", "Africa", "English"),
    Country("Ghana", "Accra", "Africa", "English"),
    Country("Morocco", "Rabat", "Africa", "Arabic"),
    Country("Algeria", "Algiers", "Africa", "Arabic"),
    Country("Tunisia", "Tunis", "Africa", "Arabic"),
    Country("Sudan", "Khartoum", "Africa", "Arabic"),
    Country("Senegal", "Dakar", "Africa", "French"),
    Country("Uganda", "Kampala", "Africa", "English"),
    Country("Tanzania", "Dodoma", "Africa", "Swahili"),
    Country("Rwanda", "Kigali", "Africa", "Kinyarwanda"),
    Country("Zambia", "Lusaka", "Africa", "English"),
    Country("Angola", "Luanda", "Africa", "Portuguese"),
    Country("Mozambique", "Maputo", "Africa", "Portuguese"),
    Country("Madagascar", "Antananarivo", "Africa", "Malagasy"),
    Country("Somalia", "Mogadishu", "Africa", "Somali"),
    Country("Canada", "Ottawa", "North America", "English"),
    Country("Cuba", "Havana", "North America", "Spanish"),
    Country("Jamaica", "Kingston", "North America", "English"),
    Country("Brazil", "Brasilia", "South America", "Portuguese"),
    Country("Chile", "Santiago", "South America", "Spanish"),
    Country("Peru", "Lima", "South America", "Spanish"),
    Country("Colombia", "Bogota", "South America", "Spanish"),
    Country("Venezuela", "Caracas", "South America", "Spanish"),
    Country("Ecuador", "Quito", "South America", "Spanish"),
    Country("Uruguay", "Montevideo", "South America", "Spanish"),
    Country("Australia", "Canberra", "Oceania", "English"),
    Country("Samoa", "Apia", "Oceania", "Samoan"),
]


class Animal(NamedTuple):
    name: str
    sound: str | None
    home: str  # the home noun (the answer word)
    home_where: str  # words before it: "in a", "in the", "on the"
    young: str | None
    food: str


ANIMALS: list[Animal] = [
    Animal("cow", "moo", "barn", "in a", "calf", "grass"),
    Animal("dog", "woof", "kennel", "in a", "puppy", "bones"),
    Animal("cat", "meow", "house", "in a", "kitten", "fish"),
    Animal("horse", "neigh", "stable", "in a", "foal", "hay"),
    Animal("sheep", "baa", "field", "in a", "lamb", "grass"),
    Animal("pig", "oink", "sty", "in a", "piglet", "corn"),
    Animal("duck", "quack", "pond", "on a", "duckling", "worms"),
    Animal("hen", "cluck", "coop", "in a", "chick", "seeds"),
    Animal("goat", "bleat", "pen", "in a", "kid", "weeds"),
    Animal("owl", "hoot", "tree", "in a", "owlet", "mice"),
    Animal("lion", "roar", "savanna", "on the", "cub", "meat"),
    Animal("bear", "growl", "cave", "in a", "cub", "honey"),
    Animal("wolf", "howl", "den", "in a", "pup", "meat"),
    Animal("frog", "croak", "pond", "in a", "tadpole", "flies"),
    Animal("bee", "buzz", "hive", "in a", "larva", "nectar"),
    Animal("mouse", "squeak", "hole", "in a", "pup", "cheese"),
    Animal("donkey", "bray", "field", "in a", "foal", "carrots"),
    Animal("elephant", "trumpet", "savanna", "on the", "calf", "leaves"),
    Animal("monkey", None, "jungle", "in the", None, "bananas"),
    Animal("tiger", "roar", "jungle", "in the", "cub", "meat"),
    Animal("goose", "honk", "lake", "on a", "gosling", "grass"),
    Animal("crow", "caw", "nest", "in a", "chick", "seeds"),
    Animal("dolphin", "click", "ocean", "in the", "calf", "fish"),
    Animal("rabbit", None, "burrow", "in a", "kit", "carrots"),
    Animal("fox", "yelp", "den", "in a", "cub", "rabbits"),
    Animal("deer", None, "forest", "in the", "fawn", "grass"),
    Animal("camel", "grunt", "desert", "in the", "calf", "plants"),
    Animal("penguin", "squawk", "ice", "on the", "chick", "fish"),
    Animal("snake", "hiss", "burrow", "in a", "hatchling", "mice"),
]

# (thing with its article, colour). The article is part of the subject: "the sky", "a banana", "snow".
COLOURED_THINGS: list[tuple[str, str]] = [
    ("the sky", "blue"),
    ("grass", "green"),
    ("snow", "white"),
    ("a banana", "yellow"),
    ("coal", "black"),
    ("blood", "red"),
    ("a tomato", "red"),
    ("a lemon", "yellow"),
    ("a cherry", "red"),
    ("a strawberry", "red"),
    ("a carrot", "orange"),
    ("milk", "white"),
    ("chocolate", "brown"),
    ("a leaf", "green"),
    ("the sun", "yellow"),
    ("a cloud", "white"),
    ("the sea", "blue"),
    ("a pumpkin", "orange"),
    ("a lime", "green"),
    ("a grape", "purple"),
    ("a plum", "purple"),
    ("salt", "white"),
    ("soil", "brown"),
    ("mud", "brown"),
    ("a crow", "black"),
    ("a swan", "white"),
    ("a flamingo", "pink"),
    ("a pig", "pink"),
    ("a frog", "green"),
    ("an elephant", "grey"),
    ("a mouse", "grey"),
    ("a rose", "red"),
    ("a cucumber", "green"),
    ("sugar", "white"),
    ("coffee", "brown"),
    ("a ruby", "red"),
    ("an emerald", "green"),
    ("ash", "grey"),
    ("smoke", "grey"),
    ("butter", "yellow"),
    ("chalk", "white"),
    ("a raven", "black"),
    ("a canary", "yellow"),
    ("a blueberry", "blue"),
]

OPPOSITES: list[tuple[str, str]] = [
    ("hot", "cold"),
    ("big", "small"),
    ("tall", "short"),
    ("fast", "slow"),
    ("happy", "sad"),
    ("up", "down"),
    ("open", "closed"),
    ("day", "night"),
    ("early", "late"),
    ("rich", "poor"),
    ("hard", "soft"),
    ("wet", "dry"),
    ("full", "empty"),
    ("loud", "quiet"),
    ("strong", "weak"),
    ("thick", "thin"),
    ("wide", "narrow"),
    ("deep", "shallow"),
    ("clean", "dirty"),
    ("good", "bad"),
    ("high", "low"),
    ("push", "pull"),
    ("left", "right"),
    ("first", "last"),
    ("black", "white"),
    ("win", "lose"),
    ("give", "take"),
    ("come", "go"),
    ("buy", "sell"),
    ("love", "hate"),
    ("true", "false"),
    ("yes", "no"),
    ("always", "never"),
    ("inside", "outside"),
    ("above", "below"),
    ("front", "back"),
    ("begin", "end"),
    ("laugh", "cry"),
    ("near", "far"),
    ("young", "old"),
    ("friend", "enemy"),
    ("sweet", "sour"),
    ("safe", "dangerous"),
    ("easy", "difficult"),
    ("cheap", "expensive"),
    ("sharp", "blunt"),
    ("smooth", "rough"),
    ("remember", "forget"),
    ("north", "south"),
    ("east", "west"),
    ("summer", "winter"),
    ("king", "queen"),
    ("morning", "evening"),
    ("lost", "found"),
    ("top", "bottom"),
    ("alive", "dead"),
    ("float", "sink"),
    ("polite", "rude"),
    ("tidy", "messy"),
    ("shout", "whisper"),
]

PLURALS: list[tuple[str, str]] = [
    ("dog", "dogs"),
    ("cat", "cats"),
    ("book", "books"),
    ("tree", "trees"),
    ("house", "houses"),
    ("car", "cars"),
    ("apple", "apples"),
    ("bird", "birds"),
    ("chair", "chairs"),
    ("flower", "flowers"),
    ("star", "stars"),
    ("boat", "boats"),
    ("cup", "cups"),
    ("shoe", "shoes"),
    ("hat", "hats"),
    ("egg", "eggs"),
    ("box", "boxes"),
    ("bus", "buses"),
    ("glass", "glasses"),
    ("dish", "dishes"),
    ("fox", "foxes"),
    ("brush", "brushes"),
    ("church", "churches"),
    ("bench", "benches"),
    ("baby", "babies"),
    ("city", "cities"),
    ("story", "stories"),
    ("party", "parties"),
    ("lady", "ladies"),
    ("berry", "berries"),
    ("leaf", "leaves"),
    ("knife", "knives"),
    ("wolf", "wolves"),
    ("wife", "wives"),
    ("half", "halves"),
    ("loaf", "loaves"),
    ("shelf", "shelves"),
    ("potato", "potatoes"),
    ("tomato", "tomatoes"),
    ("hero", "heroes"),
    ("mouse", "mice"),
    ("child", "children"),
    ("man", "men"),
    ("woman", "women"),
    ("foot", "feet"),
    ("tooth", "teeth"),
    ("goose", "geese"),
    ("person", "people"),
    ("ox", "oxen"),
    ("cactus", "cacti"),
]

NUMBER_WORDS: list[str] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
]  # fmt: skip
SUM_MAX_OPERAND = 10  # sums a + b with 0 <= a, b <= 10, so every result is at most 20

DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip

# ----------------------------------------------------------------------------- question phrasings
# Neutral openers put in front of a question (the empty string is the most common choice).
QUESTION_PREFIXES = [
    "Hey,", "Hi,", "Hello,", "Quick question:", "Excuse me,", "Okay,", "So,", "Now,",
    "I have a question.", "Sorry,", "Hmm,", "One more thing:", "Well,",
]  # fmt: skip

# Per relation: training question templates ([0] is the canonical phrasing and is never held out),
# held-out question templates (never in training), answer templates (with weights), follow-ups.
# A follow-up is asked right after a fact about the same subject (country, animal) or, when the
# relation has no subject, right after another fact of the same relation ("And what about cold?").
RELATIONS: dict[str, dict] = {
    "capital": dict(
        topic="capital",
        questions=[
            "What is the capital of {country}?",
            "What's the capital of {country}?",
            "Which city is the capital of {country}?",
            "Name the capital of {country}.",
            "Do you know the capital of {country}?",
            "What city is the capital of {country}?",
            "Can you tell me the capital of {country}?",
            "What is the capital city of {country}?",
            "I need the capital of {country}.",
            "The capital of {country} is which city?",
            "Please tell me the capital of {country}.",
        ],
        heldout=[
            "Which city serves as the capital of {country}?",
            "Could you name the capital of {country} for me?",
            "In {country}, which city is the capital?",
        ],
        answers=[
            ("The capital of {country} is {capital}.", 4),
            ("{capital} is the capital of {country}.", 2),
            ("The capital city of {country} is {capital}.", 2),
            ("It is {capital}.", 1),
        ],
        followups=["And what is its capital?", "What is the capital there?", "And the capital?"],
        subject="country",
    ),
    "capital_to_country": dict(
        topic="capital_to_country",
        questions=[
            "{capital} is the capital of which country?",
            "Which country has {capital} as its capital?",
            "What country is {capital} the capital of?",
            "{capital} is the capital of what country?",
            "In which country is {capital}?",
            "Which country is {capital} in?",
            "Where is {capital}?",
            "What country is {capital} in?",
            "Do you know which country {capital} is in?",
            "Tell me which country has the capital {capital}.",
        ],
        heldout=[
            "Of which country is {capital} the capital?",
            "Which nation has its capital in {capital}?",
            "Can you say which country {capital} belongs to?",
        ],
        answers=[
            ("{capital} is the capital of {country}.", 4),
            ("{capital} is in {country}.", 2),
            ("It is in {country}.", 1),
        ],
        subject="capital",
    ),
    "continent": dict(
        topic="continent",
        questions=[
            "Which continent is {country} in?",
            "On which continent is {country}?",
            "What continent is {country} on?",
            "Where is {country}?",
            "In which part of the world is {country}?",
            "Tell me the continent of {country}.",
            "What continent is {country} part of?",
            "Which continent does {country} belong to?",
            "Do you know what continent {country} is on?",
            "{country} is on which continent?",
        ],
        heldout=[
            "On what continent can you find {country}?",
            "Which continent contains {country}?",
            "{country} lies on which continent?",
        ],
        answers=[
            ("{country} is in {continent}.", 4),
            ("{country} is on the continent of {continent}.", 2),
            ("It is in {continent}.", 1),
        ],
        followups=["Which continent is it in?", "And where is it?", "On which continent is it?"],
        subject="country",
    ),
    "language": dict(
        topic="language",
        questions=[
            "What language do people speak in {country}?",
            "What language is spoken in {country}?",
            "Which language do they speak in {country}?",
            "What is the main language of {country}?",
            "What do people speak in {country}?",
            "Which language is spoken in {country}?",
            "What is the language of {country}?",
            "Tell me the main language of {country}.",
            "In {country}, what language do people speak?",
            "Do you know what language people speak in {country}?",
        ],
        heldout=[
            "What language would I hear in {country}?",
            "Which language do most people in {country} use?",
            "If I visit {country}, what language will people speak?",
        ],
        answers=[
            ("People in {country} speak {language}.", 4),
            ("The main language of {country} is {language}.", 2),
            ("In {country}, people speak {language}.", 2),
            ("They speak {language}.", 1),
        ],
        followups=[
            "And what language do people speak there?",
            "What language do they speak there?",
            "Which language is spoken there?",
        ],
        subject="country",
    ),
    "animal_sound": dict(
        topic="animal_sound",
        questions=[
            "What sound does {a_animal} make?",
            "What does {a_animal} say?",
            "What noise does {a_animal} make?",
            "Which sound does {a_animal} make?",
            "Tell me the sound {a_animal} makes.",
            "What does {a_animal} sound like?",
            "What is the sound of {a_animal}?",
            "Do you know what {a_animal} says?",
            "How does {a_animal} sound?",
            "Can you make the sound of {a_animal}?",
        ],
        heldout=["What kind of sound does {a_animal} make?", "Which noise comes out of {a_animal}?"],
        answers=[("{a_animal} says {sound}.", 4), ("{a_animal} goes {sound}.", 2), ("The {animal} says {sound}.", 1)],
        followups=["And what sound does it make?", "What does it say?"],
        subject="animal",
    ),
    "animal_home": dict(
        topic="animal_home",
        questions=[
            "Where does {a_animal} live?",
            "Where do you find {a_animal}?",
            "What is the home of {a_animal}?",
            "Where is the home of {a_animal}?",
            "Where does {a_animal} sleep?",
            "Tell me where {a_animal} lives.",
            "Do you know where {a_animal} lives?",
            "Where can I find {a_animal}?",
            "What place does {a_animal} live in?",
        ],
        heldout=["In what place does {a_animal} make its home?", "Where would {a_animal} usually stay?"],
        answers=[("{a_animal} lives {home_where} {home}.", 4), ("The home of {a_animal} is {home_where2} {home}.", 2)],
        followups=["Where does it live?", "And where does it live?"],
        subject="animal",
    ),
    "animal_young": dict(
        topic="animal_young",
        questions=[
            "What is a baby {animal} called?",
            "What do you call a baby {animal}?",
            "What is the name for a baby {animal}?",
            "What is a young {animal} called?",
            "What do we call a young {animal}?",
            "Tell me the word for a baby {animal}.",
            "A baby {animal} is called what?",
            "Do you know what a baby {animal} is called?",
        ],
        heldout=["How do we name a baby {animal}?", "What word means a young {animal}?"],
        answers=[
            ("A baby {animal} is called {young_art} {young}.", 4),
            ("A young {animal} is called {young_art} {young}.", 2),
            ("We call a baby {animal} {young_art} {young}.", 1),
        ],
        followups=["What is its baby called?", "And what is a baby one called?"],
        subject="animal",
    ),
    "animal_food": dict(
        topic="animal_food",
        questions=[
            "What does {a_animal} eat?",
            "What food does {a_animal} like?",
            "What is the favourite food of {a_animal}?",
            "What does {a_animal} like to eat?",
            "What food does {a_animal} eat?",
            "Tell me what {a_animal} eats.",
            "Do you know what {a_animal} eats?",
            "What does {a_animal} eat for dinner?",
            "What does a hungry {animal} eat?",
        ],
        heldout=["What does {a_animal} usually have for food?", "Which food is best for {a_animal}?"],
        answers=[("{a_animal} eats {food}.", 4), ("{a_animal} likes to eat {food}.", 2)],
        followups=["What does it eat?", "And what does it like to eat?"],
        subject="animal",
    ),
    "colour": dict(
        topic="colour",
        questions=[
            "What colour is {thing}?",
            "What is the colour of {thing}?",
            "Which colour is {thing}?",
            "What colour do you see when you look at {thing}?",
            "Tell me the colour of {thing}.",
            "What colour is {thing} usually?",
            "Do you know what colour {thing} is?",
            "Can you tell me the colour of {thing}?",
            "Name the colour of {thing}.",
        ],
        heldout=["If you look at {thing}, what colour is it?", "Which colour would you say {thing} has?"],
        answers=[
            ("{thing} is {colour}.", 4),
            ("{thing} is usually {colour}.", 2),
            ("The colour of {thing} is {colour}.", 2),
        ],
        followups=["And {thing}?", "What about {thing}?"],
    ),
    "opposite": dict(
        topic="opposite",
        questions=[
            "What is the opposite of {word}?",
            "What's the opposite of {word}?",
            "Tell me the opposite of {word}.",
            "What word means the opposite of {word}?",
            "What is the opposite word for {word}?",
            "Which word is the opposite of {word}?",
            "Give me the opposite of {word}.",
            "Do you know the opposite of {word}?",
            "What do you call the opposite of {word}?",
        ],
        heldout=["Can you name the opposite of {word}?", "Which word has the reverse meaning of {word}?"],
        answers=[("The opposite of {word} is {opposite}.", 4), ("The word {word} is the opposite of {opposite}.", 2)],
        followups=["And the opposite of {word}?", "What about {word}?"],
    ),
    "plural": dict(
        topic="plural",
        questions=[
            "What is the plural of {singular}?",
            "What's the plural of {singular}?",
            "What is the plural form of {singular}?",
            "What do you call more than one {singular}?",
            "Tell me the plural of {singular}.",
            "What is the plural of the word {singular}?",
            "Do you know the plural of {singular}?",
            "Give me the plural of {singular}.",
            "Which word is the plural of {singular}?",
        ],
        heldout=["Can you name the plural of {singular}?", "How do we write {singular} when there are many?"],
        answers=[
            ("The plural of {singular} is {plural}.", 4),
            ("One {singular}, two {plural}.", 2),
            ("We say one {singular} and many {plural}.", 1),
        ],
        followups=["And the plural of {singular}?", "What about {singular}?"],
    ),
    "number_word": dict(
        topic="number_word",
        questions=[
            "How do you write {digits} in words?",
            "What is {digits} in words?",
            "How do you spell the number {digits}?",
            "What is the word for the number {digits}?",
            "Write {digits} in words.",
            "How do we say {digits} in words?",
            "Can you write {digits} as a word?",
            "Tell me the word for {digits}.",
            "Spell {digits} for me.",
        ],
        heldout=["Which word stands for {digits}?", "What English word means {digits}?"],
        answers=[
            ("{digits} in words is {word}.", 4),
            ("The word for {digits} is {word}.", 2),
            ("We write {digits} as {word}.", 2),
        ],
        followups=["And {digits}?", "What about {digits}?"],
    ),
    "number_digit": dict(
        topic="number_digit",
        questions=[
            "How do you write {word} as a number?",
            "What number is {word}?",
            "What is {word} in digits?",
            "Write {word} as a number.",
            "How do we write the number {word} with digits?",
            "Can you write {word} with digits?",
            "Which number is {word}?",
            "Tell me the digits for {word}.",
        ],
        heldout=["How does {word} look as a number?", "Show me {word} written in digits."],
        answers=[
            ("{word} as a number is {digits}.", 4),
            ("{word} is written as {digits}.", 2),
            ("We write {word} as {digits}.", 2),
        ],
        followups=["And {word}?", "What about {word}?"],
    ),
    "number_after": dict(
        topic="number_order",
        questions=[
            "What number comes after {word}?",
            "Which number comes after {word}?",
            "What is the next number after {word}?",
            "What number follows {word}?",
            "Tell me the number after {word}.",
            "If you count, what comes after {word}?",
            "What is one more than {word}?",
            "What number is after {word}?",
        ],
        heldout=["When counting up, which number do we say right after {word}?", "Which number is right after {word}?"],
        answers=[("The number after {word} is {next}.", 4), ("After {word} comes {next}.", 2)],
        followups=["And after {word}?"],
    ),
    "number_before": dict(
        topic="number_order",
        questions=[
            "What number comes before {word}?",
            "Which number comes before {word}?",
            "What is the number before {word}?",
            "What number is just before {word}?",
            "Tell me the number before {word}.",
            "What is one less than {word}?",
            "Which number do you say before {word}?",
            "What number is before {word}?",
        ],
        heldout=["Counting down from {word}, what is the next number?", "Which number is right before {word}?"],
        answers=[("The number before {word} is {prev}.", 4), ("Before {word} comes {prev}.", 2)],
        followups=["And before {word}?"],
    ),
    "sum": dict(
        topic="sum",
        questions=[
            "What is {a} plus {b}?",
            "What's {a} plus {b}?",
            "How much is {a} plus {b}?",
            "What do you get if you add {a} and {b}?",
            "Can you add {a} and {b}?",
            "What is the sum of {a} and {b}?",
            "Add {a} and {b}, please.",
            "Tell me what {a} plus {b} is.",
            "Do you know what {a} plus {b} is?",
            "If I have {a} and add {b}, how many do I have?",
        ],
        heldout=[
            "Could you work out {a} plus {b}?",
            "What number is {a} plus {b}?",
            "What is the total of {a} and {b}?",
        ],
        answers=[("{a} plus {b} is {c}.", 4), ("{a} plus {b} equals {c}.", 2), ("The answer is {c}.", 1)],
        followups=["And {a} plus {b}?", "What about {a} plus {b}?"],
    ),
    "sum_digits": dict(
        topic="sum_digits",
        questions=[
            "What is {a} + {b}?",
            "How much is {a} + {b}?",
            "Compute {a} + {b}.",
            "What does {a} + {b} make?",
            "Solve {a} + {b}.",
            "Please calculate {a} + {b}.",
            "What is the answer to {a} + {b}?",
            "Can you do {a} + {b}?",
            "Tell me {a} + {b}.",
        ],
        heldout=["Work out {a} + {b} for me.", "What number equals {a} + {b}?"],
        answers=[("{a} + {b} = {c}.", 4), ("{a} + {b} is {c}.", 2), ("The answer is {c}.", 1)],
        followups=["And {a} + {b}?", "What about {a} + {b}?"],
    ),
    "day_after": dict(
        topic="day_order",
        questions=[
            "What day comes after {day}?",
            "Which day comes after {day}?",
            "What day is after {day}?",
            "What is the day after {day}?",
            "If today is {day}, what day is tomorrow?",
            "What comes after {day}?",
            "Tell me the day after {day}.",
            "Which day follows {day}?",
            "What day is next after {day}?",
        ],
        heldout=["Which day do we have right after {day}?", "When {day} ends, which day starts?"],
        answers=[("The day after {day} is {next}.", 4), ("After {day} comes {next}.", 2)],
        followups=["And after {day}?"],
    ),
    "day_before": dict(
        topic="day_order",
        questions=[
            "What day comes before {day}?",
            "Which day comes before {day}?",
            "What is the day before {day}?",
            "If today is {day}, what day was yesterday?",
            "Tell me the day before {day}.",
            "Which day is just before {day}?",
            "What day is before {day}?",
            "What comes before {day}?",
        ],
        heldout=["Which day do we have right before {day}?", "Which day ends just as {day} begins?"],
        answers=[("The day before {day} is {prev}.", 4), ("Before {day} comes {prev}.", 2)],
        followups=["And before {day}?"],
    ),
    "month_after": dict(
        topic="month_order",
        questions=[
            "What month comes after {month}?",
            "Which month comes after {month}?",
            "What is the month after {month}?",
            "What month follows {month}?",
            "Tell me the month after {month}.",
            "If it is {month} now, what month is next?",
            "Which month is next after {month}?",
            "What comes after {month}?",
        ],
        heldout=["Which month do we have right after {month}?", "When {month} ends, which month starts?"],
        answers=[("The month after {month} is {next}.", 4), ("After {month} comes {next}.", 2)],
        followups=["And after {month}?"],
    ),
    "month_before": dict(
        topic="month_order",
        questions=[
            "What month comes before {month}?",
            "Which month comes before {month}?",
            "What is the month before {month}?",
            "Tell me the month before {month}.",
            "If it is {month} now, what month was last?",
            "Which month is just before {month}?",
            "What month is before {month}?",
            "What comes before {month}?",
        ],
        heldout=["Which month do we have right before {month}?", "Which month ends just as {month} begins?"],
        answers=[("The month before {month} is {prev}.", 4), ("Before {month} comes {prev}.", 2)],
        followups=["And before {month}?"],
    ),
}

# ----------------------------------------------------------------------------- small talk
# (user phrasings, assistant replies)
SMALL_TALK: dict[str, tuple[list[str], list[str]]] = {
    "greet": (
        ["Hello!", "Hi!", "Hi there!", "Hello there!", "Good morning!", "Good evening!", "Hey!", "Good afternoon!"],
        [
            "Hello! How can I help you today?",
            "Hi! What would you like to know?",
            "Hello! Ask me anything you like.",
            "Hi there! How can I help?",
        ],
    ),
    "how_are_you": (
        ["How are you?", "How are you today?", "How is it going?", "Are you well?"],
        [
            "I am fine, thank you. How can I help you?",
            "I am doing well, thanks for asking!",
            "Very well, thank you. What would you like to talk about?",
        ],
    ),
    "who": (
        ["Who are you?", "What are you?", "Tell me about yourself.", "What is your name?"],
        [
            "I am a small language model. I read the text so far and guess the next word.",
            "I am a small AI assistant. I learned from simple conversations and short stories.",
            "I do not have a name. I am a small language model that predicts one word at a time.",
        ],
    ),
    "how_work": (
        ["How do you work?", "How do you answer questions?", "How do you know things?"],
        [
            "I read your words and predict the next word, one word at a time.",
            "I learned patterns from my training text, and I use them to guess the next word.",
            "I look at the words so far and pick a likely next word, again and again.",
        ],
    ),
    "what_is_lm": (
        ["What is a language model?", "What does a language model do?"],
        [
            "A language model is a program that predicts the next word in a text.",
            "A language model reads some text and guesses which word comes next.",
        ],
    ),
    "thanks": (
        ["Thank you!", "Thanks!", "Thank you very much!", "Thanks a lot!", "Great, thanks!"],
        ["You are welcome!", "Happy to help!", "Any time!", "You are welcome. Ask me anything else you like."],
    ),
    "bye": (
        ["Goodbye!", "Bye!", "See you later!", "Good night!"],
        ["Goodbye! Have a nice day.", "Bye! Come back any time.", "Good night! Sleep well."],
    ),
    "help": (
        ["Can you help me?", "I need some help.", "Can I ask you something?"],
        [
            "Of course! What would you like to know?",
            "Sure, I will do my best. What is your question?",
            "Yes, please ask.",
        ],
    ),
    "abilities": (
        ["What can you do?", "What do you know?", "What can I ask you?"],
        [
            "I can answer simple questions about countries, animals, colours, numbers, words, days and months, "
            "and I can tell short stories.",
            "You can ask me about capitals, languages, animal sounds, opposites, plurals, small sums, "
            "or ask for a short story.",
        ],
    ),
    "person": (
        ["Are you a person?", "Are you human?", "Are you alive?"],
        ["No, I am a computer program, a small language model.", "No. I am a small AI model that predicts words."],
    ),
    "limits": (
        ["Do you know everything?", "Are you always right?", "Can you make mistakes?"],
        [
            "No. I only know what was in my training text, and I can make mistakes.",
            "Not at all. I am a small model, so I sometimes guess wrong.",
        ],
    ),
    "joke": (
        ["Tell me a joke.", "Do you know a joke?", "Say something funny."],
        [
            "Why did the cow cross the road? To get to the other side of the field.",
            "Why was the math book sad? It had too many problems.",
            "What do you call a bear with no teeth? A gummy bear.",
        ],
    ),
    "world": (
        ["What time is it?", "What is the weather like?", "What day is it today?", "What day was it yesterday?"],
        [
            "I do not know. I cannot see a clock or the world outside.",
            "Sorry, I cannot know that. I only see the words you type.",
        ],
    ),
    "praise": (
        ["Good job!", "Well done!", "You are smart.", "That was helpful."],
        ["Thank you! I am glad I could help.", "Thanks! I try my best."],
    ),
    "sad": (
        ["I am sad.", "I feel sad today.", "I am bored."],
        [
            "I am sorry to hear that. Would a short story cheer you up?",
            "Oh no. Maybe a funny story or a joke would help. Just ask!",
        ],
    ),
    "favourite": (
        ["What is your favourite colour?", "Do you have a favourite animal?", "What is your favourite food?"],
        [
            "I do not have favourites, but many people love blue.",
            "I cannot see or taste anything, but I enjoy learning about owls and foxes.",
            "I have no favourites. I am a program, not a person.",
        ],
    ),
    "age": (
        ["How old are you?", "When were you born?", "When is your birthday?"],
        [
            "I was trained only a short time ago, so I am very young.",
            "I do not have a birthday, but I was made quite recently.",
        ],
    ),
    "where": (
        ["Where do you live?", "Where are you?"],
        [
            "I live inside a computer, as numbers in its memory.",
            "I do not live anywhere. I am a program running on a computer.",
        ],
    ),
    "learn": (
        ["How did you learn?", "Who taught you?", "How were you made?"],
        [
            "I was trained on many short conversations and stories. I learned by guessing the next word.",
            "A training program showed me text and adjusted my numbers whenever I guessed wrong.",
            "People wrote a program that trained me on simple text, one small step at a time.",
        ],
    ),
    "think": (
        ["Can you think?", "Do you have feelings?", "Do you dream?"],
        [
            "Not like you do. I only compute which word is likely to come next.",
            "No. I have no feelings, only numbers that help me predict words.",
        ],
    ),
    "vocabulary": (
        ["How many words do you know?", "Do you know many words?"],
        ["I know a few thousand words from my training text.", "Only a few thousand. I am a very small model."],
    ),
    "tired": (
        ["I am tired.", "I am going to bed.", "I am sleepy."],
        ["Sleep well! I will be here tomorrow.", "Rest well, and have sweet dreams."],
    ),
    "hungry": (
        ["I am hungry.", "What should I eat?"],
        [
            "Maybe an apple or a sandwich? I cannot eat, but those sound good.",
            "How about some soup and fresh bread?",
        ],
    ),
}

# ----------------------------------------------------------------------------- ambiguous words
# word -> two senses: (sense name, description, topic for "a sentence about ...", sentence templates).
# Sentence templates may use a character: {N} (name), {he}, {his}, {him}.
AMBIGUOUS: dict[str, tuple[tuple[str, str, str, list[str]], tuple[str, str, str, list[str]]]] = {
    "bank": (
        (
            "river",
            "the land along the side of a river",
            "a river",
            [
                "We sat on the bank of the river and watched the fish.",
                "{N} walked slowly along the muddy bank of the river.",
                "The frog jumped from the bank into the cool water.",
                "Tall green reeds grow on the bank of the stream.",
                "{N} had a picnic on the grassy bank of the river.",
                "The little boat was tied to a tree on the river bank.",
                "{N} sat on the bank and dipped {his} feet in the river.",
            ],
        ),
        (
            "money",
            "a place that keeps money safe",
            "money",
            [
                "{N} took {his} savings to the bank in town.",
                "The bank opens at nine in the morning.",
                "Dad went to the bank to get some money.",
                "The bank keeps our money safe.",
                "{N} saved ten coins and put them in the bank.",
                "There was a long line at the bank today.",
                "The bank gave the baker a loan to open a new shop.",
            ],
        ),
    ),
    "bat": (
        (
            "animal",
            "a small animal that flies at night",
            "an animal",
            [
                "A bat flew out of the cave at night.",
                "The bat hung upside down from the branch and slept all day.",
                "{N} saw a little bat flying around the old barn.",
                "A bat uses sound to find its way in the dark.",
                "The bat woke up when the sun went down.",
                "At dusk, a bat flew over the pond to catch insects.",
            ],
        ),
        (
            "sports",
            "a stick for hitting the ball in a game",
            "sports",
            [
                "{N} hit the ball with a wooden bat.",
                "He swung the bat, and the ball flew over the fence.",
                "{N} bought a new bat for the baseball game.",
                "The player held the bat with both hands.",
                "Please pass me the bat, it is my turn to hit.",
                "{N} dropped the bat and ran to first base.",
            ],
        ),
    ),
    "bark": (
        (
            "dog",
            "the loud sound a dog makes",
            "a dog",
            [
                "The dog gave a loud bark when the door opened.",
                "{N} heard a bark from the garden next door.",
                "Our puppy has a small, high bark.",
                "The bark of the big dog woke the whole house.",
                "Dogs bark at strangers.",
                "{N} laughed when the little dog began to bark.",
            ],
        ),
        (
            "tree",
            "the hard outer skin of a tree",
            "a tree",
            [
                "The bark of the old oak tree was rough and brown.",
                "{N} touched the bark of the tree with {his} hand.",
                "Some beetles live under the bark of trees.",
                "The deer rubbed its head against the bark of the pine tree.",
                "Birch trees have white bark.",
                "{N} found a beetle hiding in the bark.",
            ],
        ),
    ),
    "spring": (
        (
            "season",
            "the season after winter",
            "the seasons",
            [
                "In spring, the flowers bloom and the birds sing.",
                "Spring comes after winter and before summer.",
                "{N} loves spring because the days get warmer.",
                "The lambs were born in early spring.",
                "Every spring, we plant seeds in the garden.",
                "The snow melts in spring.",
            ],
        ),
        (
            "water",
            "a place where water comes up out of the ground",
            "water",
            [
                "We drank cold water from a spring in the mountains.",
                "{N} filled {his} bottle at the spring.",
                "The village gets its water from a spring under the hill.",
                "A small spring bubbled up between the stones.",
                "The water from the spring was clear and fresh.",
                "{N} followed the stream back to the spring.",
            ],
        ),
    ),
    "match": (
        (
            "fire",
            "a small stick that makes fire",
            "fire",
            [
                "{N} lit a match to start the fire.",
                "Be careful, a match can burn your fingers.",
                "She struck a match and lit the candle.",
                "The match went out in the wind.",
                "We need one more match to light the stove.",
                "{N} struck the last match, and the lamp began to glow.",
            ],
        ),
        (
            "game",
            "a game between two teams or players",
            "a game",
            [
                "Our team won the football match on Saturday.",
                "{N} watched the tennis match with {his} friends.",
                "The match ended in a draw.",
                "The chess match lasted for three hours.",
                "It rained, so the match was moved to Sunday.",
                "{N} scored two goals in the match.",
            ],
        ),
    ),
    "ring": (
        (
            "jewellery",
            "a round band worn on a finger",
            "jewellery",
            [
                "{N} wore a gold ring on {his} finger.",
                "The queen had a ring with a red stone.",
                "He gave her a silver ring.",
                "{N} lost a ring in the sand at the beach.",
                "The ring was too big for her finger.",
                "A small shiny ring sparkled in the box.",
            ],
        ),
        (
            "sound",
            "the sound a bell or a phone makes",
            "a sound",
            [
                "We heard the bell ring at noon.",
                "{N} waited for the phone to ring.",
                "The school bell will ring in five minutes.",
                "Please ring the bell when you arrive.",
                "{N} heard the doorbell ring twice.",
                "The church bells ring every Sunday morning.",
            ],
        ),
    ),
    "light": (
        (
            "lamp",
            "brightness that lets us see",
            "a lamp",
            [
                "Please turn on the light, it is dark in here.",
                "{N} read a book by the light of the lamp.",
                "The light from the window woke {N} up.",
                "The room was full of warm light.",
                "{N} switched off the light and went to sleep.",
                "The lighthouse sends a bright light across the sea.",
            ],
        ),
        (
            "weight",
            "not heavy",
            "weight",
            [
                "The box is light, so {N} can carry it alone.",
                "A feather is very light.",
                "This bag is light because it is empty.",
                "{N} packed a light bag for the short trip.",
                "The new bicycle is light and fast.",
                "Paper is light, but stone is heavy.",
            ],
        ),
    ),
    "seal": (
        (
            "animal",
            "a sea animal with flippers",
            "an animal",
            [
                "A seal was lying on the rocks in the sun.",
                "{N} saw a grey seal swimming near the boat.",
                "The seal caught a fish and swam away.",
                "A baby seal has soft white fur.",
                "The seal clapped its flippers at the zoo.",
                "We watched a seal play in the waves.",
            ],
        ),
        (
            "close",
            "to close something tightly",
            "closing something",
            [
                "Please seal the envelope before you post it.",
                "{N} used tape to seal the box.",
                "Seal the jar so the jam stays fresh.",
                "They seal the door to keep the cold out.",
                "{N} forgot to seal the bag, and the cookies went soft.",
                "We seal the letter with a sticker.",
            ],
        ),
    ),
    "duck": (
        (
            "bird",
            "a bird that swims on ponds",
            "a bird",
            [
                "A duck swam across the pond.",
                "{N} fed bread to a duck at the lake.",
                "The duck and her ducklings walked to the water.",
                "A white duck was quacking near the river.",
                "{N} saw a duck diving for food.",
                "The duck shook the water off its feathers.",
            ],
        ),
        (
            "move",
            "to bend down quickly",
            "moving down",
            [
                "{N} had to duck to get under the low branch.",
                "Duck, the ball is coming!",
                "We had to duck under the fence.",
                "{N} saw the ball and had to duck just in time.",
                "Tall people must duck when they walk through this door.",
                "The children duck behind the wall when they play hide and seek.",
            ],
        ),
    ),
    "watch": (
        (
            "look",
            "to look at something for a while",
            "looking",
            [
                "We like to watch the stars at night.",
                "{N} sat by the window to watch the rain.",
                "Let us watch the birds in the garden.",
                "{N} likes to watch the boats on the lake.",
                "Watch how the cat jumps onto the wall.",
                "The children watch the clouds drift by.",
            ],
        ),
        (
            "clock",
            "a small clock worn on the wrist",
            "time",
            [
                "{N} looked at {his} watch and saw that it was late.",
                "My watch stopped because the battery is dead.",
                "Grandpa gave {N} a silver watch for {his} birthday.",
                "The watch on her wrist ticked quietly.",
                "{N} wears a watch to know the time.",
                "This watch is waterproof, so you can swim with it.",
            ],
        ),
    ),
    "rock": (
        (
            "stone",
            "a big hard stone",
            "a stone",
            [
                "{N} sat on a big rock near the sea.",
                "The lizard rested on a warm rock in the sun.",
                "A rock fell from the cliff into the water.",
                "{N} climbed onto a rock to see the view.",
                "The crab hid under a rock on the beach.",
                "The path went around a huge grey rock.",
            ],
        ),
        (
            "music",
            "a kind of loud music",
            "music",
            [
                "{N} plays rock music on {his} guitar.",
                "My brother loves loud rock songs.",
                "The rock band played until midnight.",
                "{N} went to a rock concert in the city.",
                "Rock music is louder than folk music.",
                "We danced to rock music at the party.",
            ],
        ),
    ),
    "key": (
        (
            "door",
            "a metal tool that opens a lock",
            "a door",
            [
                "{N} used a key to open the door.",
                "I lost the key to my house.",
                "The old key opened the wooden chest.",
                "{N} turned the key, and the door opened.",
                "She keeps the key under the mat.",
                "Without the key, we cannot get inside.",
            ],
        ),
        (
            "piano",
            "one of the bars you press on a piano",
            "a piano",
            [
                "{N} pressed a white key on the piano.",
                "One key on the old piano does not work.",
                "Each key on a piano plays a different note.",
                "{N} played a low note with the last key.",
                "The cat walked on the piano and pressed every key.",
                "Press the black key next to the white one.",
            ],
        ),
    ),
}

# ----------------------------------------------------------------------------- story pieces
NAMES_F = [
    "Anna", "Lily", "Mia", "Emma", "Rosa", "Nina", "Lucy", "Sara", "Zoe", "Ella", "Maya", "Ruby", "Clara", "Alice",
    "Grace", "Hannah", "Ivy", "Julia", "Kate", "Laura", "Molly", "Nora", "Olivia", "Sophie", "Tara", "Vera",
    "Wendy", "Amy", "Bella", "Daisy", "Eva", "Fiona", "Greta", "Heidi", "Iris", "Jenny", "Lena", "Mila",
]  # fmt: skip
NAMES_M = [
    "Tom", "Ben", "Sam", "Max", "Leo", "Jack", "Finn", "Oscar", "Hugo", "Felix", "Liam", "Noah", "Omar", "Paul",
    "Ravi", "Theo", "Victor", "Adam", "Bruno", "Carl", "David", "Eric", "Frank", "George", "Henry", "Ivan",
    "Jonas", "Karl", "Luke", "Marco", "Nico", "Otto", "Peter", "Rudy", "Simon", "Walter", "Yuri", "Zack",
]  # fmt: skip

# (creature, gender): "m" or "f" restricts the pronoun, "" allows either.
CREATURES: list[tuple[str, str]] = [(a.name, "f" if a.name in ("hen", "cow") else "") for a in ANIMALS] + [
    ("squirrel", ""), ("hedgehog", ""), ("turtle", ""), ("badger", ""), ("otter", ""), ("beaver", ""),
    ("parrot", ""), ("robin", ""), ("sparrow", ""), ("eagle", ""), ("swan", ""), ("hare", ""), ("mole", ""),
    ("ant", ""), ("spider", ""), ("butterfly", ""), ("snail", ""), ("whale", ""), ("crab", ""), ("octopus", ""),
    ("giraffe", ""), ("zebra", ""), ("kangaroo", ""), ("koala", ""), ("panda", ""), ("hippo", ""), ("lizard", ""),
    ("dragon", ""), ("unicorn", ""), ("girl", "f"), ("boy", "m"), ("farmer", ""), ("baker", ""), ("sailor", ""),
    ("king", "m"), ("queen", "f"), ("prince", "m"), ("princess", "f"), ("knight", ""), ("wizard", "m"),
    ("witch", "f"), ("giant", ""), ("robot", ""), ("pirate", ""), ("teacher", ""), ("doctor", ""), ("painter", ""),
    ("gardener", ""), ("shepherd", ""), ("miller", ""), ("tailor", ""), ("hunter", ""), ("grandmother", "f"),
    ("grandfather", "m"), ("child", ""), ("traveller", ""), ("poet", ""), ("musician", ""), ("clown", ""),
    ("cook", ""), ("builder", ""), ("inventor", ""), ("astronaut", ""), ("potter", ""), ("merchant", ""),
    ("carpenter", ""), ("fisherman", "m"), ("weaver", ""), ("scientist", ""), ("detective", ""),
]  # fmt: skip

TRAITS = [
    "brave", "clever", "shy", "curious", "little", "tiny", "kind", "gentle", "lazy", "busy", "happy", "grumpy",
    "sleepy", "hungry", "friendly", "lonely", "proud", "silly", "wise", "quiet", "noisy", "clumsy", "cheerful",
    "careful", "honest", "polite", "playful", "bold", "helpful", "patient", "generous", "greedy", "timid",
    "fearless", "funny", "jolly", "modest", "nervous", "smart", "strong", "swift", "calm", "eager", "cheeky",
    "young", "old", "gentle", "stubborn", "dreamy", "restless",
]  # fmt: skip
PLACE_ADJ = [
    "quiet", "sunny", "dark", "green", "snowy", "windy", "busy", "small", "distant", "peaceful", "misty", "sleepy",
    "rocky", "sandy", "frozen", "hidden", "lovely", "old", "faraway", "magical", "friendly", "beautiful",
]  # fmt: skip
PLACES = [
    "forest", "village", "town", "city", "farm", "meadow", "valley", "mountain", "castle", "garden", "island",
    "desert", "jungle", "lake", "beach", "harbour", "swamp", "orchard", "wood", "marsh", "kingdom", "park", "zoo",
    "country", "land", "hillside", "countryside",
]  # fmt: skip
LANDMARKS = [
    "bridge", "well", "mill", "gate", "fence", "wall", "fountain", "tower", "windmill", "barn", "lighthouse",
    "statue", "shed", "dock", "bench", "signpost", "scarecrow", "greenhouse", "stable", "playground", "church",
    "school", "market", "library", "bakery", "station",
]  # fmt: skip
HOMES = ["cottage", "hut", "house", "cabin", "burrow", "nest", "den", "tent", "tower", "cave", "treehouse", "caravan"]
FAMILY = ["grandmother", "grandfather", "mother", "father", "brother", "sister", "aunt", "uncle", "cousin"]
OBJECT_ADJ = [
    "shiny", "golden", "silver", "wooden", "broken", "magic", "old", "tiny", "strange", "colourful", "red", "blue",
    "green", "yellow", "purple", "soft", "sparkling", "ancient", "huge", "beautiful", "heavy", "little",
]  # fmt: skip
OBJECTS = [
    "ball", "map", "kite", "hat", "coin", "feather", "shell", "box", "book", "lantern", "basket", "bell", "ribbon",
    "button", "marble", "stone", "umbrella", "scarf", "necklace", "cup", "bottle", "letter", "drum", "flute",
    "whistle", "compass", "clock", "mirror", "candle", "blanket", "toy", "doll", "crown", "sword", "pearl",
    "balloon", "violin", "guitar", "bicycle", "medal",
]  # fmt: skip
CONTAINERS = ["box", "basket", "drawer", "jar", "chest"]
FOODS = [
    "apples", "pears", "berries", "cookies", "carrots", "nuts", "pancakes", "plums", "cherries", "grapes",
    "muffins", "potatoes", "beans", "eggs", "sandwiches", "strawberries",
]  # fmt: skip
DISHES = [
    "cake", "pie", "tart", "pudding", "pizza", "loaf of bread", "apple pie", "plum cake", "cherry tart", "honey cake",
]  # fmt: skip
ACTIVITIES = [
    "dance in the rain", "paint pictures", "run through the fields", "build sandcastles", "collect shells",
    "pick flowers", "fly kites", "draw maps", "count the clouds", "jump in puddles", "grow vegetables",
    "sail little boats", "listen to the wind", "splash in the river", "chase butterflies", "play hide and seek",
    "help the neighbours", "plant seeds", "play football", "feed the birds",
]  # fmt: skip
SKILLS = [
    "swim", "ride a bicycle", "play the flute", "read", "bake bread", "juggle", "climb trees", "dance", "sing",
    "paint", "fish", "skate", "fly a kite", "play chess", "count to a hundred", "play the drum",
]  # fmt: skip
SAD_FEELINGS = ["sad", "lonely", "worried", "upset", "unhappy", "scared"]
TIRED_FEELINGS = ["tired", "hungry", "thirsty", "sleepy"]
TIMES = ["morning", "afternoon", "evening", "night"]
DAY_ADJ = ["sunny", "rainy", "windy", "foggy", "snowy", "cold", "warm", "bright", "quiet", "summer", "autumn", "winter"]
SEASONS = ["summer", "autumn", "winter", "year", "week", "month"]

# Story sentences. Slots: hero {N} {c} {adj} {he} {his} {him} ({He} {His} capitalised); friend {c2} {adj2}
# {he2} {his2} {him2}, introduced by {a_c2} or {a_adj2_c2}; {obj} {a_objadj_obj} {place} {a_padj_place}
# {place2} {landmark} {a_landmark} {home} {family} {food} {dish} {activity} {skill} {trait} {sad} {tired}
# {time} {dayadj} {season} {container}.
STORY_INTROS = [
    "Once upon a time, there was {a_adj_c} named {N}.",
    "Once upon a time, {a_adj_c} called {N} lived in {a_padj_place}.",
    "Once upon a time, in {a_padj_place}, there lived {a_adj_c} named {N}.",
    "Once upon a time, {a_adj_c} named {N} lived near {a_landmark}.",
    "Long ago, in {a_padj_place}, there lived {a_adj_c} called {N}.",
    "There was once {a_adj_c} named {N} who lived in {a_padj_place}.",
    "Not long ago, {a_adj_c} named {N} lived by {a_landmark} in {a_padj_place}.",
    "Once upon a time, far away in {a_padj_place}, lived {a_adj_c} named {N}.",
    "Once upon a time, in a cosy {home} at the edge of {a_padj_place}, there lived {a_adj_c} named {N}.",
    "Once upon a time, high up in the hills, there lived {a_adj_c} called {N}.",
    "A long, long time ago, {a_adj_c} named {N} lived beside {a_landmark}.",
]
STORY_SETTINGS = [
    "{N} lived with {his} {family} in a little {home} by the {landmark}.",
    "Every morning, {N} liked to {activity}.",
    "{N} loved to {activity}, and {he} did it every day.",
    "Everyone in the {place} knew {N}, because {he} was so {trait}.",
    "{He} had a small {home} with a red door near the {landmark}.",
    "{N} was {trait}, but sometimes {he} felt a little {sad}.",
    "More than anything, {N} wanted to {activity} with a friend.",
    "{N} always carried {a_objadj_obj} wherever {he} went.",
    "Every evening, {N} sat by the {landmark} and watched the sunset.",
    "{N} had many friends, but {his} best friend was {a_c2}.",
    "{N} liked quiet mornings, warm tea and long walks by the {landmark}.",
    "Each autumn, {N} collected bright leaves and pressed them in a heavy book.",
    "{N} was famous in the {place} for {his} loud laugh and {his} bright yellow boots.",
    "Although {he} was small, {N} was never afraid of hard work.",
    "{N} kept a tiny garden full of herbs, roses and tall sunflowers.",
]
STORY_PLOTS: dict[str, list[list[str]]] = {  # event, middle, resolution, ending
    "lost": [
        [
            "One day, {N} lost {his} favourite {obj} somewhere in the {place}.",
            "One {time}, a strong wind blew {his} {obj} far away.",
            "One {dayadj} day, {N} could not find {his} {obj} anywhere.",
            "One {dayadj} morning, {N} noticed that {his} {obj} was missing.",
            "While {he} was playing near the {landmark}, {N} dropped {his} {obj}, and it rolled away.",
        ],
        [
            "{N} looked under the bushes, behind the {landmark} and inside an old {container}.",
            "{N} asked {a_c2} for help, and together they searched the whole {place}.",
            "{He} felt {sad}, so {his} friend {a_c2} offered to help.",
            "{N} searched the garden, the kitchen and even the roof.",
            "{N} followed some tiny footprints that led past the {landmark}.",
        ],
        [
            "At last, they found the {obj} near the {landmark}.",
            "In the end, the {obj} was sitting in an old {container}, safe and dry.",
            "Finally, the {c2} spotted the {obj} under a pile of leaves.",
            "Suddenly, {a_c2} came running with the {obj} in {his2} mouth.",
            "At sunset, {N} saw the {obj} shining between two stones.",
        ],
        [
            "{N} thanked the {c2} and shared some {food} with {him2}.",
            "From that day on, {N} kept the {obj} in a safe place.",
            "{N} was so happy that {he} sang all the way home.",
            "{N} hugged the {obj} and promised to be more careful.",
            "That evening, {N} told the whole story to {his} {family}.",
        ],
    ],
    "friend": [
        [
            "One day, {N} met {a_adj2_c2} by the {landmark}.",
            "One {time}, {N} saw {a_adj2_c2} sitting alone near the {landmark}.",
            "One {dayadj} day, {a_adj2_c2} moved into the {place}.",
            "One {time}, {N} found {a_adj2_c2} crying behind the {landmark}.",
            "One {dayadj} afternoon, {a_adj2_c2} knocked on the door of {his} {home}.",
        ],
        [
            "The {c2} looked {sad}, because {he2} had no friends.",
            "{N} said hello, but the {c2} was too shy to answer.",
            "The {c2} told {N} that {he2} was lost and far from home.",
            "The {c2} wanted to play, but {he2} did not know any games.",
            "{N} noticed that the {c2} was shivering in the cold wind.",
        ],
        [
            "{N} invited the {c2} to {activity}, and they played together all afternoon.",
            "{N} showed the {c2} the way back home through the {place}.",
            "{N} shared {his} {food} with the {c2}, and soon they were laughing.",
            "{N} taught the {c2} how to {activity}, and the {c2} loved it.",
            "{N} gave the {c2} {a_objadj_obj} as a present, and the {c2} smiled.",
        ],
        [
            "From that day on, {N} and the {c2} were best friends.",
            "Now the {c2} visits {N} every week.",
            "{N} learned that a kind word can make a new friend.",
            "After that, they met by the {landmark} every single day.",
            "The {c2} never felt lonely again.",
            "Now they {activity} together every weekend.",
        ],
    ],
    "journey": [
        [
            "One {dayadj} morning, {N} decided to visit the {place2} beyond the {landmark}.",
            "One day, {N} packed {his} bag with {food} and set off to see the {place2}.",
            "One {time}, {N} wanted to find out what was on the other side of the {place}.",
            "One {dayadj} day, {N} found an old map that showed the way to the {place2}.",
            "Early one {time}, {N} said goodbye to {his} {family} and started a long journey.",
        ],
        [
            "The road was long, and {N} felt {tired}, but {he} kept going.",
            "On the way, {N} met {a_adj2_c2} who showed {him} a shorter path.",
            "{N} crossed a river, climbed a hill and walked through a field of flowers.",
            "{N} rested under a tall tree and ate some {food}.",
            "A heavy rain began to fall, so {N} waited in a small cave until it stopped.",
        ],
        [
            "When {he} arrived, {he} saw {a_objadj_obj} shining in the sun.",
            "There, {N} found {a_objadj_obj} and made many new friends.",
            "The {place2} was even more beautiful than {N} had imagined.",
            "After three days, {N} finally reached the {place2}.",
            "At the end of the road, {N} discovered a hidden garden full of flowers.",
        ],
        [
            "{N} went home with a big smile and told everyone about the trip.",
            "That night, {N} dreamed about the {place2}.",
            "{N} promised to come back next {season}.",
            "When {N} came back, {he} had many stories to tell.",
            "{N} decided that travelling was the best thing in the world.",
        ],
    ],
    "storm": [
        [
            "One {time}, a big storm came, and the old {landmark} was broken.",
            "One {dayadj} day, strong winds blew down the {landmark} near the {place}.",
            "One {season}, the old {landmark} in the {place} began to fall apart.",
            "One {time}, thunder boomed and lightning flashed over the {place}.",
            "After a week of rain, the river rose and water covered the road to the {landmark}.",
        ],
        [
            "{N} and {his} friends worked hard all day to fix it.",
            "{N} asked {a_adj2_c2} to help, and together they carried wood and stones.",
            "Everyone in the {place} came to help, even {a_adj2_c2}.",
            "{N} brought ropes, nails and a ladder from {his} {home}.",
            "The wind was loud and scary, but {N} stayed calm and helped everyone.",
        ],
        [
            "By the evening, the {landmark} was as good as new.",
            "After three days of hard work, the {landmark} stood tall again.",
            "Soon everything was fixed, and the sun came out.",
            "Together, they built a new {landmark} that was stronger than before.",
            "When the rain stopped, a rainbow appeared over the {place}.",
        ],
        [
            "Everyone had a big party with {food} and music.",
            "{N} was {tired} but very proud.",
            "The people of the {place} thanked {N} with a basket of {food}.",
            "{N} found {a_objadj_obj} in the mud and kept it as a memory of that day.",
            "Since then, everyone calls {N} the hero of the {place}.",
        ],
    ],
    "cooking": [
        [
            "One {dayadj} day, {N} wanted to make {a_dish} for {his} friends.",
            "One {time}, {N} woke up very hungry and decided to cook {a_dish}.",
            "It was the birthday of {his} {family}, so {N} wanted to make {a_dish}.",
            "One {time}, {N} found an old recipe for {a_dish} in a dusty book.",
            "{N} promised to bring {a_dish} to the picnic by the {landmark}.",
        ],
        [
            "But there were no {food} left, so {he} went to the market.",
            "{N} asked {a_c2} where to find fresh {food}.",
            "{He} mixed flour, milk and eggs in a big bowl.",
            "{N} cracked the eggs, added sugar and stirred very carefully.",
            "{He} needed some help, so {he} called {a_c2} from next door.",
        ],
        [
            "{N} came back with a basket full of {food}.",
            "Soon the whole {home} smelled wonderful.",
            "The {dish} came out of the oven golden and warm.",
            "Soon, a sweet smell filled the whole {place}.",
            "The first try was burnt, but the second one was perfect.",
        ],
        [
            "Everyone said it was the best {dish} they had ever eaten.",
            "{N} shared the {dish} with everyone in the {place}.",
            "There was not a single crumb left.",
            "{N} and {his} friends ate until they were full.",
            "Now {N} bakes {a_dish} every {season}.",
        ],
    ],
    "night": [
        [
            "One night, {N} heard a strange noise outside {his} {home}.",
            "One dark evening, something tapped on the window of {his} {home}.",
            "One night, {N} saw two yellow eyes near the {landmark}.",
            "One stormy night, {N} could not fall asleep.",
            "One night, the lights went out in the whole {place}.",
        ],
        [
            "{He} was afraid, but {he} took a lantern and went to look.",
            "{N} hid under the blanket and counted to ten.",
            "{N} took a deep breath and opened the door.",
            "{N} grabbed {his} {obj} and tiptoed to the door.",
            "{His} heart was beating fast as {he} stepped outside.",
        ],
        [
            "It was only {a_adj2_c2}, looking for a warm place to sleep.",
            "It was just {a_c2} who had lost {his2} way in the dark.",
            "It was only the wind playing with the branches.",
            "Behind the {landmark}, {N} found {a_adj2_c2} who was scared too.",
            "In the moonlight, {N} saw that the noise came from a loose window.",
        ],
        [
            "{N} laughed and was never afraid of the dark again.",
            "{N} gave the {c2} a blanket, and they both slept well.",
            "{N} learned that many scary things are not scary at all.",
            "{N} went back to bed and slept until morning.",
            "Since that night, {N} and the {c2} are good friends.",
        ],
    ],
    "learning": [
        [
            "{N} wanted to learn to {skill}, but it was very hard.",
            "One {season}, {N} decided to learn how to {skill}.",
            "{N} dreamed of being able to {skill} like {his} {family}.",
            "Everyone in the {place} could {skill}, except {N}.",
            "{N} saw {a_adj2_c2} {skill} and wanted to try it too.",
        ],
        [
            "Every day, {he} practised near the {landmark}, even when it rained.",
            "At first, {N} made many mistakes, and {a_c2} nearby giggled.",
            "{His} {family} helped {him} and said: never give up.",
            "{N} read books about it and asked many questions.",
            "Some days {N} felt {tired} and wanted to quit, but {he} tried again.",
        ],
        [
            "After many weeks, {N} could {skill} better than anyone in the {place}.",
            "One day, it suddenly felt easy.",
            "Slowly, {N} got better and better.",
            "At the big festival, {N} showed everyone what {he} had learned.",
            "By the end of the {season}, {N} was really good at it.",
        ],
        [
            "{N} learned that practice makes hard things easy.",
            "Now {N} teaches the little ones how to {skill}.",
            "Everyone came to watch, and they clapped and cheered.",
            "As a prize, {N} got {a_objadj_obj}.",
            "{N} felt proud, and {his} {family} was proud too.",
        ],
    ],
    "race": [
        [
            "One {dayadj} day, there was a big race in the {place}, and {N} wanted to win.",
            "{N} heard that the fastest runner in the {place} would win {a_objadj_obj}.",
            "One {season}, the animals of the {place} held a race around the {landmark}.",
            "{N} was not very fast, but {he} wanted to run in the big race.",
        ],
        [
            "At the start, {N} was slow, and everyone passed {him}.",
            "Halfway through, {N} saw {a_adj2_c2} who had fallen and hurt {his2} leg.",
            "{N} trained every morning, running up and down the hills.",
            "The crowd cheered loudly as the runners raced past the {landmark}.",
        ],
        [
            "{N} stopped to help, and they crossed the finish line together.",
            "In the last minute, {N} ran faster than ever and won the race.",
            "{N} did not win, but {he} finished the race with a smile.",
            "The judges gave {N} a special prize for being so kind.",
        ],
        [
            "That day, {N} learned that kindness matters more than winning.",
            "Everyone cheered for {N} and shouted {his} name.",
            "{N} hung the medal above {his} bed.",
            "Next {season}, {N} wants to race again.",
            "After the race, everyone went to {activity} by the {landmark}.",
        ],
    ],
    "surprise": [
        [
            "It was almost the birthday of {his} {family}, and {N} wanted to give a special gift.",
            "{N} wanted to make a surprise for all {his} friends in the {place}.",
            "One {dayadj} morning, {N} found a letter that said: meet me at the {landmark} at noon.",
            "{N} wanted to thank {his} {family} for all the help.",
        ],
        [
            "{N} had no money, so {he} decided to make something by hand.",
            "{He} collected {food}, flowers and colourful ribbons.",
            "{N} worked in secret for many days so nobody would know.",
            "At the {landmark}, {N} found {a_adj2_c2} holding a big basket.",
        ],
        [
            "On the special day, {N} gave the gift, and everyone was amazed.",
            "When the box was opened, there was {a_objadj_obj} inside.",
            "Everyone jumped out and shouted: surprise!",
            "Inside the basket were fresh {food} and a card with {his} name on it.",
        ],
        [
            "It was the happiest day of the year.",
            "{N} learned that the best gifts come from the heart.",
            "They laughed, ate {food} and danced until the stars came out.",
            "{N} kept the card in a drawer and read it again and again.",
            "After the party, they all went outside to {activity}.",
        ],
    ],
}
STORY_MORALS = [
    "The end.",
    "And they all lived happily ever after.",
    "And so {N} learned that friends help each other.",
    "And so {N} learned to be brave.",
    "And so {N} learned that sharing makes everyone happy.",
    "It was a day {N} would never forget.",
    "And that is why {N} always smiles when {he} walks past the {landmark}.",
    "Sleep well, and sweet dreams.",
]
STORY_REQUESTS = [
    "Tell me a short story about {a_c}.",
    "Tell me a funny story about {a_c}.",
    "Could you tell me a little story about {a_c}?",
    "Tell me a story about {a_c}.",
    "Can you tell me a short story about {a_c}?",
    "Please tell me a bedtime story about {a_c}.",
    "I would like to hear a story about {a_c}.",
    "Write a short story about {a_adj_c}.",
    "Do you know a story about {a_c}?",
    "Tell me a story about {a_c} named {N}.",
    "Tell me a story.",
    "Can you tell me a story?",
    "Tell me a bedtime story, please.",
]
STORY_FOLLOWUPS = [  # (question, answer) asked after a story, answered from the story
    ("What was the name of the {c}?", "The {c} was called {N}."),
    ("What was the {c} called?", "The {c} was called {N}."),
    ("Who was the story about?", "The story was about {a_c} named {N}."),
]

# Ambiguous-word dialogues. {w} word, {s} sentence, {d} description, {t} topic.
AMBIG_SENTENCE_REQUESTS = [
    "Use the word {w} in a sentence about {t}.",
    "Can you use the word {w} in a sentence about {t}?",
    "Give me a sentence with the word {w} about {t}.",
    "Make a sentence with {w} that is about {t}.",
    "Write a sentence using {w}, about {t}.",
]
AMBIG_MEANING_QUESTIONS = [
    ("Here is a sentence: {s} What does {w} mean here?", "Here, {w} means {d}."),
    ("Read this: {s} What does {w} mean in it?", "In that sentence, {w} means {d}."),
    ("{s} What does the word {w} mean in that sentence?", "In that sentence, {w} means {d}."),
]
AMBIG_TWO_MEANINGS = [
    ("What are two meanings of the word {w}?", "The word {w} can mean {d1}, and it can also mean {d2}."),
    ("Does the word {w} have more than one meaning?", "Yes. The word {w} can mean {d1}, or {d2}."),
    ("What does {w} mean?", "The word {w} has two meanings: {d1}, or {d2}."),
]
AMBIG_TWO_SENTENCES = [
    "Give me two sentences with the word {w}, one for each meaning.",
    "Use {w} in two sentences with different meanings.",
    "Show me the two meanings of {w} in two sentences.",
]
AMBIG_SECOND_SENSE = ["Now use it in a sentence about {t}.", "And one about {t}?", "Now a sentence about {t}, please."]
