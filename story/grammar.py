"""The template grammar that turns generated facts into prose, with many phrasings per fact kind.

A reader must read, not match one template: each fact kind has several clause templates, wrapped in several
sentence frames, with the subject written as a name, a role ("the butler") or, when the story has just named
that suspect, a pronoun. Slots in templates:

    {s}   the subject: "Martin", "the butler", "he"          {sp}  its possessive: "Martin's", "his"
    {p}   the subject's possessive pronoun: "his"            {w}   a witness who is never a suspect
    {v}   the trait value's word ("left", "red", "9")        {room} a room of the house

Every phrase here names at most one suspect, so "a pronoun means the suspect named last" is always right.
"""

from __future__ import annotations

# --- people and places ------------------------------------------------------------------------------------------

MALE_NAMES = (
    "Martin",
    "Arthur",
    "Edmund",
    "Hugh",
    "Walter",
    "Cecil",
    "Rupert",
    "Percy",
    "Ambrose",
    "Lionel",
    "Oswald",
    "Jasper",
    "Felix",
    "Gerald",
    "Horace",
    "Julian",
    "Laurence",
    "Neville",
    "Reginald",
    "Silas",
    "Tobias",
    "Victor",
)
FEMALE_NAMES = (
    "Jennifer",
    "Agatha",
    "Beatrice",
    "Clara",
    "Dorothy",
    "Edith",
    "Florence",
    "Harriet",
    "Iris",
    "Lavinia",
    "Mabel",
    "Nora",
    "Olive",
    "Philippa",
    "Rosalind",
    "Sybil",
    "Theodora",
    "Ursula",
    "Maud",
    "Winifred",
    "Ada",
    "Cora",
)
# Roles of suspects. Witnesses below never share a word with them, so "the maid" always means one suspect.
ROLES = (
    "butler",
    "cook",
    "gardener",
    "secretary",
    "doctor",
    "colonel",
    "housekeeper",
    "valet",
    "heir",
    "solicitor",
    "nurse",
    "chauffeur",
    "librarian",
    "tutor",
    "architect",
    "painter",
)
WITNESSES = (
    "footman",
    "stable boy",
    "vicar",
    "postman",
    "night porter",
    "groom",
    "ferryman",
    "innkeeper",
    "station master",
    "scullery girl",
)
ROOMS = ("library", "drawing room", "kitchen", "conservatory", "billiard room", "music room", "morning room")
PLACES = (
    "Ashcombe Manor",
    "Blackwood Hall",
    "Fenwick House",
    "Thornfield Grange",
    "Harrowgate Abbey",
    "Lindley Court",
    "Marsh End",
    "Greystone Priory",
    "Wrexley Park",
    "Hollowmere",
)
VICTIM_TITLES = ("Lord", "Lady", "Sir", "Dr", "Mrs", "Colonel")
VICTIM_SURNAMES = (
    "Ashford",
    "Blackmore",
    "Carrow",
    "Devereux",
    "Eastleigh",
    "Fairfax",
    "Greville",
    "Haldane",
    "Ingram",
    "Kingsley",
)
SEASONS = (
    "a wet November night",
    "a frozen January night",
    "a stormy March night",
    "a sultry August night",
    "a foggy October night",
)
YEARS = ("1923", "1927", "1931", "1934", "1938")

# --- facts --------------------------------------------------------------------------------------------------------

# Per trait: clause templates stating a suspect's value. Value words come from VALUE_WORDS where they differ.
STATEMENTS: dict[str, tuple[str, ...]] = {
    "handedness": (
        "{s} is {v}-handed",
        "{s} writes with {p} {v} hand",
        "{s} holds {p} cup in {p} {v} hand",
        "{s} always deals the cards {v}-handed",
    ),
    "hair": ("{s} has {v} hair", "{sp} hair is {v}", "{s} wears {p} {v} hair cut short"),
    "shoe_size": ("{s} wears size {v} shoes", "{sp} boots are a size {v}", "{s} takes a size {v} shoe"),
    "tobacco": ("{s} {v}", "{s} is never without {p} {item}", "{s} is fond of {p} {item}"),
    "coat": ("{s} wears a {v} coat", "{sp} coat is {v}", "{s} arrived in a {v} overcoat"),
    "scent": ("{s} smells of {v}", "{s} wears a scent of {v}", "{sp} handkerchief smells of {v}"),
    "drink": ("{s} drinks only {v}", "{s} is partial to {v}", "{s} always takes a glass of {v} after dinner"),
}
# Per trait: clause templates saying what the culprit's value is.
EVIDENCE: dict[str, tuple[str, ...]] = {
    "handedness": (
        "the killer was {v}-handed",
        "the blow was struck by someone {v}-handed",
        "the poison was poured by a {v}-handed person",
    ),
    "hair": (
        "a {v} hair was caught on the victim's cuff",
        "strands of {v} hair lay on the study carpet",
        "the killer has {v} hair",
    ),
    "shoe_size": (
        "the footprints under the study window are a size {v}",
        "the killer wears size {v} shoes",
        "a muddy size {v} print was found on the terrace",
    ),
    "tobacco": ("{item} was found beside the body", "the killer left {item} in the study", "the killer {v}"),
    "coat": (
        "a thread of {v} wool was snagged on the study window",
        "a figure in a {v} coat was seen leaving the study",
        "the killer wore a {v} coat",
    ),
    "scent": (
        "the study smelled of {v} after the murder",
        "the note on the desk was scented with {v}",
        "the killer smells of {v}",
    ),
    "drink": (
        "a glass of {v} stood half finished by the body",
        "the killer drank {v} while waiting in the study",
        "the poison was hidden in a glass of {v}",
    ),
}
# Words for values where the plain value would not read well: {v} and {item} per trait and value.
VALUE_WORDS: dict[str, dict[str, str]] = {
    "tobacco": {
        "cigar": "smokes cigars",
        "pipe": "smokes a pipe",
        "cigarette": "smokes cigarettes",
        "snuff": "takes snuff",
    },
}
ITEMS: dict[str, dict[str, str]] = {
    "tobacco": {"cigar": "cigar ash", "pipe": "pipe ash", "cigarette": "a cigarette end", "snuff": "a pinch of snuff"},
}
STATEMENT_ITEMS: dict[str, dict[str, str]] = {
    "tobacco": {"cigar": "cigars", "pipe": "pipe", "cigarette": "cigarettes", "snuff": "snuff box"},
}

# Sentence frames. {c} is the clause; frames marked "named" must not wrap a pronoun subject, since the witness
# they add could be mistaken for the pronoun's referent.
STATEMENT_FRAMES = (
    "{c}.",
    "It is well known that {c}.",
    "As the whole household knows, {c}.",
    "Everyone agrees that {c}.",
)
STATEMENT_FRAMES_NAMED = (
    "The {w} remarks that {c}.",
    "{c}, as the {w} points out.",
    "Asked about it, the {w} says that {c}.",
)
TESTIMONY_FRAMES = ("The {w} claims that {c}.", "According to the {w}, {c}.")
EVIDENCE_FRAMES = (
    "{c}.",
    "The inspector notes that {c}.",
    "On closer inspection, {c}.",
    "The police surgeon is certain that {c}.",
    "It soon emerged that {c}.",
    "A search of the house showed that {c}.",
)
RETRACTIONS = (
    "The {w} now admits to being wrong about {sp} {noun}.",
    "The {w} takes back what was said about {sp} {noun}.",
    "Forget what the {w} said of {sp} {noun}: it was a mistake.",
)
ALIBIS = (
    "{s} was playing cards with the {w} all evening.",
    "The {w} swears that {s} never left the {room}.",
    "{s} was in the {room} with the {w} from eight until midnight.",
    "The {w} confirms that {s} was at the village inn all night.",
    "{s} spent the evening in the {room}, in full view of the {w}.",
)
BROKEN_ALIBIS = (
    "The {w} now admits that {s} slipped out of the {room} for half an hour.",
    "{sp} alibi falls apart: the {w} was asleep by nine.",
    "It turns out that {s} was not in the {room} after all.",
    "The {w} confesses to covering for {s}, who was missing for an hour.",
)

# --- clues without facts ---------------------------------------------------------------------------------------

SUBJECT_INTROS = (
    "{s} came in from the garden, soaked to the skin.",
    "{s} rang for more coal.",
    "{s} sat by the fire with a newspaper.",
    "{s} paced up and down the hall.",
    "{s} was the last to come down to dinner.",
    "{s} stood at the window, watching the rain.",
)
SUSPICIONS = (
    "{s} was seen arguing with the victim before dinner.",
    "{s} looked pale when the body was found.",
    "{s} was overheard saying the victim deserved what was coming.",
    "{s} burned a letter in the library grate.",
    "{s} had quarrelled with the victim over money.",
    "{s} was seen near the study door with a candle.",
)
FLAVOUR = (
    "The storm rattled the windows.",
    "Somewhere a clock struck eleven.",
    "Rain lashed the windows of the {room}.",
    "The fire in the {room} burned low.",
    "A dog barked out by the stables.",
    "The telephone line to the village was dead.",
    "Thunder rolled over the house.",
    "Nobody touched the cold supper laid out in the {room}.",
)
# Neutral clues that may sit between a suspect's introduction and a pronoun about them: they name nobody.
BRIDGES = ("The lamps flickered.", "Outside, the wind rose.", "A door banged somewhere upstairs.")
