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
   text made only of everyday words), the rarest (at most ``MAX_AND``) are AND-ed until
   the estimate falls under that budget. Either way the GIN index finds the candidates and at most
   ``CANDIDATES`` of them are scored by the rarity (inverse document frequency) of the
   chosen lexemes they hold, so the cost does not grow with the table.

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
MAX_LEXEMES = 48
CANDIDATES = 1000
# When even the rarest lexemes are common, the filter ANDs at most this many: each one
# more is one more long posting list for the GIN index to read.
MAX_AND = 3
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

_STATS = """
  FROM pg_stats p
  WHERE p.schemaname = current_schema()
    AND p.tablename = 'contributions_contribution' AND p.attname = 'search_vector'
"""
# Each lexeme of the text with its share of the documents (0: not in the statistics),
# the table's estimated rows, and the smallest share the statistics list (the last three
# numbers of most_common_elem_freqs are the minimum, the maximum and the null share).
_LEXEMES_SQL = f"""
SELECT t.lexeme, COALESCE(s.freq, 0),
       (SELECT reltuples FROM pg_class WHERE oid = 'contributions_contribution'::regclass),
       (SELECT p.most_common_elem_freqs[array_length(p.most_common_elem_freqs, 1) - 2]
        {_STATS})
FROM unnest(to_tsvector(%s::regconfig, %s)) AS t
LEFT JOIN (
  SELECT m.lexeme, m.freq
  FROM pg_stats p,
       unnest(p.most_common_elems::text::text[], p.most_common_elem_freqs) AS m(lexeme, freq)
  WHERE p.schemaname = current_schema()
    AND p.tablename = 'contributions_contribution' AND p.attname = 'search_vector'
) AS s ON s.lexeme = t.lexeme
"""  # noqa: S608 (no value is formatted in: only the constant _STATS)

# Candidates from the GIN index (at most CANDIDATES), scored by the weights (rarity) of
# the chosen lexemes each contains, over the weights of all, damped by the length of the
# candidate (a long text holds more words by chance): top-5 precision 0.50 -> 0.57 on the
# labelled corpus (tests/analysis/test_similar_quality.py).
_SIMILAR_SQL = """
SELECT c.id, c.title,
       (SELECT COALESCE(sum(t.w), 0) FROM unnest(%(terms)s::tsquery[], %(weights)s::float8[])
          AS t(q, w) WHERE c.search_vector @@ t.q) / %(total)s
         / sqrt(ln(2.718 + length(c.search_vector))) AS score
FROM (
  -- strip(): the vector read (detoasted) once per candidate, not once per lexeme tested
  SELECT id, title, strip(search_vector) AS search_vector
  FROM contributions_contribution
  WHERE status = %(status)s AND search_vector @@ %(filter)s::tsquery
    {territory} {exclude}
  LIMIT %(candidates)s
) AS c
ORDER BY score DESC, length(c.search_vector), c.id DESC
LIMIT %(limit)s
"""


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


@dataclass(frozen=True)
class Query:
    filter: str  # the tsquery that picks the candidates through the GIN index
    terms: list[str]  # one tsquery per chosen lexeme, and its weight
    weights: list[float]


def choose_query(
    lexemes: list[tuple[str, float]], rows: int, rarest_known: float | None = None
) -> Query | None:
    """The look-up's query from (lexeme, share of documents) pairs, or None.

    A lexeme missing from the statistics is rarer than the rarest listed
    (``rarest_known``, else one document). Rarest first; the filter ORs them while the
    estimated candidates fit the budget, else ANDs the rarest until they do.
    """
    floor = rarest_known or 1 / max(rows, 1)
    shares = {}
    for lexeme, freq in lexemes:
        shares[lexeme] = min(freq, 1.0) if freq > 0 else floor
    chosen = sorted(shares.items(), key=lambda pair: (pair[1], -len(pair[0]), pair[0]))
    chosen = chosen[:MAX_LEXEMES]
    if not chosen:
        return None
    terms = [_quote(lexeme) for lexeme, _ in chosen]
    # Inverse document frequency; a lexeme in every document still weighs a little.
    weights = [math.log(1 / share) + 0.01 for _, share in chosen]
    budget = CANDIDATES / max(rows, 1)
    if chosen[0][1] > budget:
        share, picked = 1.0, []
        for term, (_lexeme, freq) in zip(terms[:MAX_AND], chosen, strict=False):
            picked.append(term)
            share *= freq
            if share <= budget:
                break
        return Query(" & ".join(picked), terms, weights)
    total, picked = 0.0, []
    for term, (_lexeme, freq) in zip(terms, chosen, strict=True):
        if picked and total + freq > budget:
            break
        picked.append(term)
        total += freq
    return Query(" | ".join(picked), terms, weights)


def _postgresql(text, territory_id, exclude_id, limit) -> list[Similar]:
    with connection.cursor() as cursor:
        cursor.execute(_LEXEMES_SQL, [SEARCH_CONFIG, text])
        found = cursor.fetchall()
        if not found:
            return []
        rows = max(int(found[0][2] or 0), 1)
        rarest_known = float(found[0][3]) if found[0][3] else None
        # Digits (titles carry numbers) and one-letter lexemes say nothing of the subject.
        lexemes = [
            (row[0], float(row[1])) for row in found if len(row[0]) > 2 and not row[0].isdigit()
        ]
        query = choose_query(lexemes, rows, rarest_known)
        if query is None:
            return []
        params = {
            "status": ModerationStatus.PUBLISHED,
            "filter": query.filter,
            "terms": query.terms,
            "weights": query.weights,
            "total": sum(query.weights),
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
