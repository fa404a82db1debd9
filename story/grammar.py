"""The template grammar that turns generated facts into prose, with many phrasings per fact kind.

A reader must read, not match one template: each fact kind has several clause templates, wrapped in several
sentence frames, with the subject written as a name, a role ("the butler") or, when the story has just named
that suspect, a pronoun; and, as authors write, with facts told through what a suspect does and with other
suspects as witnesses. Slots in templates:

    {s}   the subject: "Martin", "the butler", "Martin, the butler,", "he"     {sp}  possessive: "Martin's", "his"
    {p}   the subject's possessive pronoun: "his"       {sub} / {obj}  its subject / object pronoun: "he", "him"
    {v}   the value's word ("left", "red", "smokes cigars")                    {vp}  in the past ("smoked a cigar")
    {item} a thing of the value ("cigar ash")          {k}   the culprit, unnamed ("the murderer")
    {w}   a witness: "the footman", or another suspect by name or role         {room} a room of the house
    {xp}  any suspect's possessive, in evidence found among their things: "the butler's"

A clue that names two suspects (one as a witness) is never followed by a pronoun statement: the generator
names the subject again first, so "a pronoun means the suspect named last" is always right.
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

# Per trait: clause templates stating a suspect's value, plain ("is left-handed") and told through something the
# suspect does ("signed the register with her left hand"), as authors write them. {v} and {item} come from
# VALUE_WORDS and STATEMENT_ITEMS where the plain value would not read well.
STATEMENTS: dict[str, tuple[str, ...]] = {
    "handedness": (
        "{s} is {v}-handed",
        "{s} writes with {p} {v} hand",
        "{s} holds {p} cup in {p} {v} hand",
        "{s} always deals the cards {v}-handed",
        "{s} signed the register with {p} {v} hand",
        "{s} poured the wine, steadying the decanter with {p} {v} hand",
        "{s} carves the joint {v}-handed, as {p} father did",
        "{s} dealt the cards with {p} {v} hand, as always",
    ),
    "hair": (
        "{s} has {v} hair",
        "{sp} hair is {v}",
        "{s} wears {p} {v} hair cut short",
        "{s} has a shock of {v} hair",
        "{s} stood combing {p} {v} hair at the hall mirror",
        "{sp} {v} hair was pinned up tight",
    ),
    "shoe_size": (
        "{s} wears size {v} shoes",
        "{sp} boots are a size {v}",
        "{s} takes a size {v} shoe",
        "{s} set {p} boots to dry by the stove, size {v}",
        "{s} borrowed a pair of size {v} boots from the scullery",
        "{s} complains that {p} size {v} shoes pinch",
    ),
    "tobacco": (
        "{s} {v}",
        "{s} is never without {p} {item}",
        "{s} is fond of {p} {item}",
        "{s} went out on the terrace and {vp}",
        "{s} sat in the corner all evening and {vp}",
    ),
    "coat": (
        "{s} wears a {v} coat",
        "{sp} coat is {v}",
        "{s} arrived in a {v} overcoat",
        "{s} has worn {p} {v} wool coat all winter",
        "{s} came in from the rain in a {v} coat",
        "{s} hung {p} {v} coat by the door",
    ),
    "scent": (
        "{s} smells of {v}",
        "{s} wears a scent of {v}",
        "{sp} handkerchief smells of {v}",
        "{s} swept down the hall in a cloud of {v} scent",
        "{s} has worn nothing but {v} water for years",
        "{sp} gloves always smell faintly of {v}",
    ),
    "drink": (
        "{s} drinks only {v}",
        "{s} is partial to {v}",
        "{s} always takes a glass of {v} after dinner",
        "{s} never drinks anything but {v}",
        "{s} sat over a glass of {v} until midnight",
        "{s} rang for another {v}",
    ),
}
# Per trait: clause templates saying what the culprit's value is. {k} is the culprit, unnamed: "the killer".
EVIDENCE: dict[str, tuple[str, ...]] = {
    "handedness": (
        "{k} was {v}-handed",
        "the blow was struck by someone {v}-handed",
        "the poison was poured by a {v}-handed person",
        "from the angle of the wound, {k} struck {v}-handed",
        "the bottle was uncorked by a {v}-handed person",
        "{k} held the knife in the {v} hand",
    ),
    "hair": (
        "a {v} hair was caught on the victim's cuff",
        "strands of {v} hair lay on the study carpet",
        "{k} has {v} hair",
        "a single {v} hair was found on the victim's pillow",
        "{k} left a {v} hair on the back of the chair",
    ),
    "shoe_size": (
        "the footprints under the study window are a size {v}",
        "{k} wears size {v} shoes",
        "a muddy size {v} print was found on the terrace",
        "{k} left a footprint in the wet: a size {v} boot",
        "the prints in the flower bed were made by a size {v} shoe",
    ),
    "tobacco": (
        "{item} was found beside the body",
        "{k} left {item} in the study",
        "{k} {v}",
        "{k} {vp} while waiting in the study",
        "in the {room} the inspector found {item} where {k} had waited",
        "there was {item} on the floor by the window, dropped by {k}",
    ),
    "coat": (
        "a thread of {v} wool was snagged on the study window",
        "a figure in a {v} coat was seen leaving the study",
        "{k} wore a {v} coat",
        "a tuft of {v} wool was torn from the coat of {k}",
        "a button from a {v} coat lay under the victim's hand",
    ),
    "scent": (
        "the study smelled of {v} after the murder",
        "the note on the desk was scented with {v}",
        "{k} smells of {v}",
        "a handkerchief reeking of {v} was dropped by {k}",
        "the victim's pillow, where {k} leant close, smells of {v}",
    ),
    "drink": (
        "a glass of {v} stood half finished by the body",
        "{k} drank {v} while waiting in the study",
        "the poison was hidden in a glass of {v}",
        "{k} had shared a glass of {v} with the victim before striking",
        "a second tumbler with a finger of {v} in it stood on the washstand",
    ),
}
KILLERS = ("the killer", "the murderer", "whoever did it")
# Words for values where the plain value would not read well, per trait and value, one of each tuple at random:
# {v} in the present tense ("smokes cigars"), {vp} in the past ("smoked a cigar"), {item} a thing left behind.
VALUE_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "tobacco": {
        "cigar": ("smokes cigars", "is never seen without a cigar"),
        "pipe": ("smokes a pipe", "always has a pipe going"),
        "cigarette": ("smokes cigarettes", "smokes one cigarette after another"),
        "snuff": ("takes snuff",),
    },
}
PAST_VALUE_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "tobacco": {
        "cigar": ("smoked a cigar", "lit a cigar"),
        "pipe": ("smoked a pipe", "puffed at a pipe"),
        "cigarette": ("smoked cigarettes", "lit one cigarette from the end of the last"),
        "snuff": ("took a pinch of snuff", "took snuff"),
    },
}
ITEMS: dict[str, dict[str, tuple[str, ...]]] = {
    "tobacco": {
        "cigar": ("cigar ash", "fresh cigar ash", "the stub of a cigar"),
        "pipe": ("pipe ash", "a dottle of pipe tobacco", "the ash of a pipe"),
        "cigarette": ("a cigarette end", "the stub of a cigarette", "cigarette ash"),
        "snuff": ("a pinch of snuff", "spilt snuff", "grains of snuff"),
    },
}
STATEMENT_ITEMS: dict[str, dict[str, tuple[str, ...]]] = {
    "tobacco": {
        "cigar": ("cigars", "cigar case"),
        "pipe": ("pipe", "pipe and pouch"),
        "cigarette": ("cigarettes", "cigarette case"),
        "snuff": ("snuff box", "snuff"),
    },
}

# Sentence frames. {c} is the clause; {w} a witness ("the footman", or another suspect by name or role). Frames
# with a witness must not wrap a pronoun subject, since the witness could be mistaken for the pronoun's referent.
STATEMENT_FRAMES = (
    "{c}.",
    "It is well known that {c}.",
    "As the whole household knows, {c}.",
    "Everyone agrees that {c}.",
)
STATEMENT_FRAMES_NAMED = (
    "{w} remarks that {c}.",
    "{c}, as {w} points out.",
    "Asked about it, {w} says that {c}.",
    "{w} mentioned that {c}.",
    "{w} swears that {c}.",
)
TESTIMONY_FRAMES = ("{w} claims that {c}.", "According to {w}, {c}.", "{w} remarked that {c}.")
EVIDENCE_FRAMES = (
    "{c}.",
    "The inspector notes that {c}.",
    "On closer inspection, {c}.",
    "The police surgeon is certain that {c}.",
    "It soon emerged that {c}.",
    "A search of the house showed that {c}.",
    "The police surgeon reports that {c}.",
    "{c}, and the inspector noticed.",
)
# Evidence found among a suspect's things: {xp} is any suspect's possessive, drawn uniformly (the culprit no more
# often than anyone), so a reader learns that a name in an evidence clue is where it was found, not who did it.
EVIDENCE_FRAMES_PLACED = (
    "In {xp} room, {c}.",
    "Outside {xp} door, {c}.",
    "{c}, not far from {xp} chair.",
    "When the inspector searched {xp} pantry, {c}.",
)
RETRACTIONS = (
    "{w} now admits to being wrong about {sp} {noun}.",
    "{w} takes back what was said about {sp} {noun}.",
    "Forget what {w} said of {sp} {noun}: it was a mistake.",
    "{w} takes it back: that was someone else, not {s}.",
    "{w} now says {s} was confused with someone else.",
)
ALIBIS = (
    "{s} was playing cards with {w} all evening.",
    "{w} swears that {s} never left the {room}.",
    "{s} was in the {room} with {w} from eight until midnight.",
    "{w} confirms that {s} was at the village inn all night.",
    "{s} spent the evening in the {room}, in full view of {w}.",
    "{s} says {sub} spent the whole evening in the {room}, and {w} backs {obj}.",
)
BROKEN_ALIBIS = (
    "{w} now admits that {s} slipped out of the {room} for half an hour.",
    "{sp} alibi falls apart: {w} was asleep by nine.",
    "It turns out that {s} was not in the {room} after all.",
    "{w} confesses to covering for {s}, who was missing for an hour.",
    "{w} now admits to dozing off at nine; nobody knows where {s} was after that.",
    "For the best part of an hour nobody was watching {s}, {w} confesses.",
)

# --- clues without facts ---------------------------------------------------------------------------------------

SUBJECT_INTROS = (
    "{s} came in from the garden, soaked to the skin.",
    "{s} rang for more coal.",
    "{s} sat by the fire with a newspaper.",
    "{s} paced up and down the hall.",
    "{s} was the last to come down to dinner.",
    "{s} stood at the window, watching the rain.",
    "{s} went up to bed early, complaining of a headache.",
    "{s} sat alone in the {room}, turning the pages of a book.",
)
SUSPICIONS = (
    "{s} was seen arguing with the victim before dinner.",
    "{s} looked pale when the body was found.",
    "{s} was overheard saying the victim deserved what was coming.",
    "{s} burned a letter in the library grate.",
    "{s} had quarrelled with the victim over money.",
    "{s} was seen near the study door with a candle.",
    "{s} was seen hurrying away from the {room} with a cloth in {p} hand.",
    "At first light {s} was found scrubbing at a dark stain on {p} sleeve.",
    "{s} went along to the study at midnight and came back white-faced.",
    "{s} stands to gain a fortune under the new will.",
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
    "Rain hammered on the windows, and the candles guttered every time the wind found a gap.",
    "The victim had changed the will a week ago, and every guest knew it.",
    "Towards three the wind dropped, and in the silence everyone heard the clock ticking in the hall.",
    "The heating failed at two, and the household sat wrapped in blankets.",
    "By noon the roads were open again, and the police came up the drive.",
    "Somebody had wiped the brass handle of the study door clean.",
    "An unfinished letter lay on the desk in the {room}, its ink long dry.",
    "The inspector asked everyone to stay in the {room} until morning.",
    "At dawn the snow began to fall again, and the house grew very quiet.",
    "Nobody in the house slept much that night.",
    "A shutter banged all night on the east side of the house.",
    "The victim had said at dinner, loudly enough for everyone to hear, that somebody would be ruined by morning.",
)
# Neutral clues that may sit between a suspect's introduction and a pronoun about them: they name nobody.
BRIDGES = ("The lamps flickered.", "Outside, the wind rose.", "A door banged somewhere upstairs.")
