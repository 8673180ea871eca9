"""French text processing: tokens, folded lemmas, stop words, verbatim sentences.

Why simplemma for lemmas and not spaCy's pipeline: simplemma is a dictionary look-up
(no model to run), so a token costs a dict access once its form has been seen; with a
per-process cache of forms, 1,000,000 texts of ~100 words lemmatise in a few minutes on
one core. spaCy's ``fr_core_news_sm`` needs a neural tagger per token to lemmatise
(~1–3 ms per text with everything else disabled), that is 20–50 min of CPU for 1M texts:
too slow for the 20-minute budget, for no gain on topic quality (bag-of-words topics do
not need the part of speech). spaCy is kept where a model is worth its cost: named
entities for the personal-data check (see ``personal.py``), on few sentences.

Folding: the lemma is lowercased and its accents removed (``hébergé`` -> ``heberge``) so
that spelling variants and missing accents, frequent in consultation texts, meet. Plurals
are folded by the lemmatiser (``droits`` -> ``droit``). Stop words are spaCy's French list
(a maintained list; importing it does not load any model) plus a few generic verbs and
fillers of the genre; ``personne`` is removed from that list because in this domain it
means a person ("personnes âgées", "personnes accompagnées"), not "nobody".

Sentences are cut by simplemma's rule-based splitter (abbreviations such as ``M.``
handled) and returned as verbatim substrings of the text, never rewritten.
"""

import re
import unicodedata
from functools import lru_cache

import simplemma
from spacy.lang.fr.stop_words import STOP_WORDS as _SPACY_STOP_WORDS

# Words (plus contractions and fillers) too generic to say what a text is about.
_EXTRA_STOP_WORDS = {
    "aujourd",
    "hui",
    "falloir",
    "faut",
    "devoir",
    "pouvoir",
    "vouloir",
    "aller",
    "dire",
    "mettre",
    "donner",
    "prendre",
    "venir",
    "voir",
    "savoir",
    "rester",
    "trouver",
    "passer",
    "vrai",
    "vraiment",
    "beaucoup",
    "trop",
    "souvent",
    "jamais",
    "rien",
    "chose",
    "fois",
    "an",
    "année",
    "mois",
    "jour",
    "semaine",
    "heure",
    "exemple",
    "cas",
    "gens",
    "oui",
    "non",
    "bonjour",
    "merci",
    "madame",
    "monsieur",
    "mme",
    "etc",
    "cela",
    "ça",
    "ca",
    "ici",
    "déjà",
    "deja",
    "puis",
    "peu",
    "parfois",
    "tant",
    "enfin",
    "lorsque",
    "sinon",
    "fait",
    "faire",
    "avoir",
    "être",
    "aucun",
    "aucune",
    "certain",
    "certaine",
    "besoin",
    "plutôt",
    "surtout",
    "vers",
    "quelque",
    "même",
    "meme",
    "chaque",
    "autre",
    "bon",
    "grand",
    "petit",
    "nouveau",
    "vie",
    "moment",
    "ans",
    "mal",
    "part",
    "ainsi",
    "qu",
    "c",
    "d",
    "j",
    "l",
    "m",
    "n",
    "s",
    "t",
    "y",
    "ch",
    "pis",
    "ben",
    "bah",
}
STOP_WORDS: frozenset[str] = frozenset(
    w for w in (set(_SPACY_STOP_WORDS) | _EXTRA_STOP_WORDS) if w not in {"personne"}
)

# A word: letters, possibly joined by hyphens ("pair-aidance", "non-recours"); apostrophes
# split ("l'accès" -> "l", "accès"). Three-digit numbers are kept (the 115, the 119).
# Punctuation that ends a clause is matched too: a phrase (bigram) never spans it.
_TOKEN_RE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*|\b\d{3}\b|[.!?;:,()«»\"…\n]")
_BREAK = frozenset('.!?;:,()«»"…\n')


def fold(word: str) -> str:
    """Lowercase, accents removed: the form under which spelling variants meet."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_FOLDED_STOPS = frozenset(fold(w) for w in STOP_WORDS)


@lru_cache(maxsize=400_000)
def lemma_of(form: str) -> str | None:
    """The folded lemma of a lowercased word form, or None for a stop word / noise."""
    if len(form) < 2 and not form.isdigit():
        return None
    if form in STOP_WORDS or fold(form) in _FOLDED_STOPS:
        return None
    lemma = simplemma.lemmatize(form, lang="fr")
    folded = fold(lemma)
    if folded in _FOLDED_STOPS or len(folded) < 2:
        return None
    return folded


def tokens(text: str) -> list[tuple[str | None, int, int]]:
    """(folded lemma or None for a stop word, start, end) per word; None, -1 for a break."""
    out: list[tuple[str | None, int, int]] = []
    for match in _TOKEN_RE.finditer(text):
        word = match.group()
        if word in _BREAK:
            out.append((None, -1, -1))
        else:
            out.append((lemma_of(word.lower()), match.start(), match.end()))
    return out


def lemmas(text: str) -> list[str]:
    """Folded (case, accents), lemmatised content words of ``text``, stop words removed."""
    out = []
    for match in _TOKEN_RE.finditer(text):
        word = match.group()
        if word in _BREAK:
            continue
        lemma = lemma_of(word.lower())
        if lemma is not None:
            out.append(lemma)
    return out


# A phrase joins two content words separated by at most this many of the small words
# that join a noun to its complement ("accès aux droits", "protection de l'enfance"),
# never across punctuation or another word ("manquent cruellement dans notre ville").
MAX_GAP = 2
GLUE = frozenset({"de", "du", "des", "d", "la", "le", "l", "les", "à", "au", "aux", "en"})


def features(text: str) -> list[str]:
    """The terms a text is described by: its lemmas and its two-lemma phrases."""
    out: list[str] = []
    previous: str | None = None
    gap = 0
    for match in _TOKEN_RE.finditer(text):
        word = match.group()
        if word in _BREAK:
            previous = None
            continue
        lemma = lemma_of(word.lower())
        if lemma is None:
            gap += 1
            if word.lower() not in GLUE:
                previous = None
            continue
        out.append(lemma)
        if previous is not None and gap <= MAX_GAP and previous != lemma:
            out.append(previous + " " + lemma)
        previous = lemma
        gap = 0
    return out


def feature_surfaces(text: str, wanted: set[str]) -> list[tuple[str, str]]:
    """(feature, the words of the text it came from, lowercased) for the wanted features.

    Labels are built from these surface forms so that a reader sees "accès aux droits",
    not the stems "acces droit"."""
    out: list[tuple[str, str]] = []
    previous: tuple[str, int] | None = None
    gap = 0
    for match in _TOKEN_RE.finditer(text):
        word = match.group()
        if word in _BREAK:
            previous = None
            continue
        lemma = lemma_of(word.lower())
        if lemma is None:
            gap += 1
            if word.lower() not in GLUE:
                previous = None
            continue
        if lemma in wanted:
            out.append((lemma, word.lower()))
        if previous is not None and gap <= MAX_GAP:
            phrase = previous[0] + " " + lemma
            if phrase in wanted:
                span = " ".join(text[previous[1] : match.end()].lower().split())
                out.append((phrase, span.replace("’", "'")))
        previous = (lemma, match.start())
        gap = 0
    return out


_dictionary = None


def is_word(word: str) -> bool:
    """Whether ``word`` is a French dictionary word (labels are made only of these).

    The dictionary is pyspellchecker's French word list (140,000 words, shipped in the
    package) together with simplemma's forms; abbreviations of one or two letters are
    not words here."""
    global _dictionary
    if _dictionary is None:
        from spellchecker import SpellChecker

        _dictionary = SpellChecker(language="fr", distance=1).word_frequency.dictionary
    word = word.lower()
    if word in GLUE:
        return True
    if len(word) < 3:
        return False
    return word in _dictionary or simplemma.is_known(word, lang="fr")


def sentences(text: str) -> list[str]:
    """The sentences of ``text``, each a verbatim substring (quotes are never rewritten)."""
    out: list[str] = []
    cursor = 0
    for block in re.split(r"\n\s*\n|\n", text):
        # simplemma normalises nothing inside a sentence; locate each one in the text so
        # what we return is exactly what was written.
        for sentence in simplemma.split_sentences(block):
            sentence = sentence.strip()
            if not sentence:
                continue
            at = text.find(sentence, cursor)
            if at < 0:
                continue
            out.append(sentence)
            cursor = at + len(sentence)
    return out
