"""French full-text search, shared by contributions, practices and documents.

On PostgreSQL each model keeps a ``search_vector`` (its services refresh it; a GIN index
and the ``french_unaccent`` configuration come from each app's migration 0002). On SQLite,
the embedded default of ``make run``, the same rules apply without an index: accents and
case are folded and words reduced to their stem by the same Snowball French stemmer that
PostgreSQL's ``french`` configuration uses (``snowballstemmer``, the Snowball project's own
Python port), so "referent" finds "référents" on both. Every word of the query must match
a word of one of the model's ``search_fields``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer
from django.contrib.postgres.search import SearchQuery
from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models import Func, Q, TextField
from django.dispatch import receiver

SEARCH_CONFIG = "french_unaccent"
SQLITE_FUNCTION = "egts_search_words"

# The commonest words of PostgreSQL's French stop list: a query for "le référent" must not
# require "le" (PostgreSQL drops it from both the query and the documents).
STOP_WORDS = frozenset(
    """au aux avec ce ces dans de des du elle en et eux il je la le les leur lui ma mais me
    meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te
    tes toi ton tu un une vos votre vous c d j l m n s t y ete etre est sont a""".split()
)
_WORD = re.compile(r"\w+")
_stemmer = snowballstemmer.stemmer("french")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=4096)
def _stem(word: str) -> str:
    return _stemmer.stemWord(word)


def search_words(text: str | None) -> list[str]:
    """The stems a text is searched by: folded, stemmed, without stop words."""
    words = _WORD.findall(_fold(text or ""))
    return [_stem(w) for w in words if w not in STOP_WORDS]


def _sqlite_search_words(*texts) -> str:
    # Space-delimited on both ends, so that " stem " matches whole words only.
    return " " + " ".join(w for t in texts for w in search_words(t)) + " "


@receiver(connection_created)
def _register_sqlite_function(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            SQLITE_FUNCTION, -1, _sqlite_search_words, deterministic=True
        )


class FrenchSearchMixin:
    """For a QuerySet: ``search(q)``. ``search_fields`` name the fields searched without
    PostgreSQL."""

    search_fields: tuple[str, ...] = ()

    def search(self, q: str):
        q = (q or "").strip()
        if not q:
            return self
        if connections[self.db].vendor == "postgresql":
            query = SearchQuery(q, config=SEARCH_CONFIG, search_type="websearch")
            return self.filter(search_vector=query)
        words = search_words(q)
        if not words:
            return self
        indexed = Func(*self.search_fields, function=SQLITE_FUNCTION, output_field=TextField())
        condition = Q()
        for word in words:
            condition &= Q(_search_words__contains=f" {word} ")
        return self.annotate(_search_words=indexed).filter(condition)
