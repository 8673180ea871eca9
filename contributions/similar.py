"""Published contributions close to a text being written (issue 18, items 5 and 7).

One look-up serves the API (``GET /api/v1/contributions/similar/``), the public form (its
panel and its "Voir les contributions proches" button) and the COPIL's hypothesis page.

On PostgreSQL it uses the French full-text search already in place (egts/search.py: the
``search_vector`` of each contribution and its GIN index ``contribution_search_gin``):

1. the text's lexemes come from ``to_tsvector('french_unaccent', text)``, the same
   configuration as the stored vectors;
2. their share of the documents is read from the planner's statistics on
   ``search_vector`` (``pg_stats.most_common_elems``, kept by ANALYZE/autovacuum: no scan
   of the table). A lexeme absent from that list is rarer than every listed one;
3. the rarest lexemes (at most ``MAX_LEXEMES``) make the query. While their estimated
   matches stay under ``CANDIDATES`` they are OR-ed; when even the rarest are common (a
   text made only of everyday words), the rarest are AND-ed until the estimate falls
   under that budget. Either way the GIN index finds the candidates and at most
   ``CANDIDATES`` of them are ranked with ``ts_rank`` against the OR of all chosen
   lexemes, so the cost does not grow with the table.

Elsewhere (SQLite, ``make run``) a simple fallback ranks the latest published
contributions by the share of the text's stems they contain, weighted by rarity.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from django.db import connection

from egts.input import forbidden_character
from egts.moderation import ModerationStatus
from egts.search import SEARCH_CONFIG, search_words

from .models import Contribution

LIMIT = 5
# Text shorter than this says too little to compare (and longer is cut by the callers).
MIN_LENGTH = 10
MAX_LENGTH = 5000
MAX_LEXEMES = 8
CANDIDATES = 2000
# SQLite fallback: how many of the latest published contributions are compared.
FALLBACK_ROWS = 2000


@dataclass(frozen=True)
class Similar:
    id: int
    title: str
    score: float

    def get_absolute_url(self) -> str:
        return Contribution(pk=self.id).get_absolute_url()


def similar_contributions(
    text: str, *, territory_id: int | None = None, exclude_id: int | None = None, limit=LIMIT
) -> list[Similar]:
    """Up to ``limit`` published contributions closest to ``text``, best first; only
    those of ``territory_id`` when given. A constant number of queries (two on
    PostgreSQL, one elsewhere)."""
    text = (text or "")[:MAX_LENGTH]
    # The API and the forms refuse control characters first; PostgreSQL refuses NUL.
    if not text.strip() or forbidden_character(text) is not None:
        return []
    if connection.vendor == "postgresql":
        return _postgresql(text, territory_id, exclude_id, limit)
    return _fallback(text, territory_id, exclude_id, limit)


# --- PostgreSQL ---------------------------------------------------------------------------

_LEXEMES_SQL = """
SELECT t.lexeme, COALESCE(s.freq, 0),
       (SELECT reltuples FROM pg_class WHERE oid = 'contributions_contribution'::regclass)
FROM unnest(to_tsvector(%s::regconfig, %s)) AS t
LEFT JOIN (
  SELECT m.lexeme, m.freq
  FROM pg_stats p,
       unnest(p.most_common_elems::text::text[], p.most_common_elem_freqs) AS m(lexeme, freq)
  WHERE p.schemaname = current_schema()
    AND p.tablename = 'contributions_contribution' AND p.attname = 'search_vector'
) AS s ON s.lexeme = t.lexeme
"""

_SIMILAR_SQL = """
SELECT c.id, c.title, ts_rank(c.search_vector, to_tsquery('simple', %(rank)s)) AS score
FROM (
  SELECT id, title, search_vector
  FROM contributions_contribution
  WHERE status = %(status)s AND search_vector @@ to_tsquery('simple', %(filter)s)
    {territory} {exclude}
  LIMIT %(candidates)s
) AS c
ORDER BY score DESC, c.id DESC
LIMIT %(limit)s
"""


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def choose_query(lexemes: list[tuple[str, float]], rows: int) -> tuple[str, str] | None:
    """(filter, rank) tsquery texts from (lexeme, share of documents) pairs, or None.

    Rarest first (longer first among equals, a better guess when statistics are
    missing); OR while the estimated candidates fit the budget, else AND of the rarest.
    """
    chosen = sorted(lexemes, key=lambda pair: (pair[1], -len(pair[0]), pair[0]))[:MAX_LEXEMES]
    if not chosen:
        return None
    budget = CANDIDATES / max(rows, 1)
    rank = " | ".join(_quote(lexeme) for lexeme, _ in chosen)
    if chosen[0][1] > budget:
        # Even the rarest is common: AND the rarest until the estimate fits.
        share, terms = 1.0, []
        for lexeme, freq in chosen:
            terms.append(_quote(lexeme))
            share *= freq
            if share <= budget:
                break
        return " & ".join(terms), rank
    total, terms = 0.0, []
    for lexeme, freq in chosen:
        if terms and total + freq > budget:
            break
        terms.append(_quote(lexeme))
        total += freq
    return " | ".join(terms), rank


def _postgresql(text, territory_id, exclude_id, limit) -> list[Similar]:
    with connection.cursor() as cursor:
        cursor.execute(_LEXEMES_SQL, [SEARCH_CONFIG, text])
        found = cursor.fetchall()
        if not found:
            return []
        rows = max(int(found[0][2] or 0), 1)
        # Digits (titles carry numbers) and one-letter lexemes say nothing of the subject.
        lexemes = [
            (lex, float(freq)) for lex, freq, _ in found if len(lex) > 2 and not lex.isdigit()
        ]
        query = choose_query(lexemes, rows)
        if query is None:
            return []
        params = {
            "status": ModerationStatus.PUBLISHED,
            "filter": query[0],
            "rank": query[1],
            "candidates": CANDIDATES,
            "limit": limit,
            "territory": territory_id,
            "exclude": exclude_id,
        }
        sql = _SIMILAR_SQL.format(
            territory="AND territory_id = %(territory)s" if territory_id is not None else "",
            exclude="AND id <> %(exclude)s" if exclude_id is not None else "",
        )
        cursor.execute(sql, params)
        return [Similar(id=i, title=t, score=round(float(s), 4)) for i, t, s in cursor.fetchall()]


# --- Elsewhere (SQLite) -------------------------------------------------------------------


def _fallback(text, territory_id, exclude_id, limit) -> list[Similar]:
    wanted = set(w for w in search_words(text) if len(w) > 2 and not w.isdigit())
    if not wanted:
        return []
    queryset = Contribution.objects.published()
    if territory_id is not None:
        queryset = queryset.filter(territory_id=territory_id)
    if exclude_id is not None:
        queryset = queryset.exclude(pk=exclude_id)
    rows = list(
        queryset.order_by("-published_at", "-id").values_list("id", "title", "published_body")[
            :FALLBACK_ROWS
        ]
    )
    stems = {pk: set(search_words(f"{title} {body}")) for pk, title, body in rows}
    frequency = Counter(w for words in stems.values() for w in words & wanted)
    weight = {w: math.log(1 + len(rows) / n) for w, n in frequency.items()}
    total = sum(weight.values()) or 1.0
    scored = []
    for pk, title, _body in rows:
        score = sum(weight[w] for w in stems[pk] & wanted if w in weight) / total
        if score > 0:
            scored.append((score, pk, title))
    scored.sort(key=lambda item: (-item[0], -item[1]))
    return [Similar(id=pk, title=title, score=round(s, 4)) for s, pk, title in scored[:limit]]
