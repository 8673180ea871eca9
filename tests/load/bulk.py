"""National-scale data in minutes: set-based SQL, not factories (PostgreSQL only).

``load_contributions(2_000_000)`` inserts published contributions of 40–90 words drawn
from a French vocabulary, spread over every department, kind, actor category, theme and
policy, with their search vectors (the same weights as ``refresh_search_vectors``), in
one ``INSERT … SELECT generate_series`` per batch. ``setseed`` makes two loads with the
same seed the same table. The EXPLAIN tests, ``make bench`` and the national phase of
``make loadtest`` all load their data here.
"""

from __future__ import annotations

import time

from django.db import connection

# Words that the list, the filters and the search meet in real contributions.
WORDS = (
    "accueil logement insertion famille parentalité jeunes aidants hébergement accès droits "
    "coordination formation bénévoles quartier santé emploi handicap autonomie médiation "
    "enfance usagers permanence référent parcours partenariat évaluation travail social "
    "travailleurs sociaux accompagnement dossier attente rendez-vous département commune "
    "association centre service public écoute confiance isolement mobilité transport "
    "numérique démarches administration allocation budget dette énergie école collège "
    "protection placement prévention addiction psychiatrie hôpital retraite domicile "
    "équipe réunion projet territoire élus moyens temps reconnaissance salaire métier"
).split()

BATCH = 200_000
ACTORS = [
    "elus",
    "professionnels",
    "employeurs",
    "formation",
    "encadrement",
    "autres-professionnels",
    "benevoles",
    "usagers",
]


def _execute(sql: str, params=None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def load_contributions(count: int, *, seed: float = 0.42, published_share: float = 1.0) -> float:
    """Insert ``count`` contributions (``published_share`` of them published, the rest
    pending); returns the seconds it took."""
    started = time.monotonic()
    _execute("SELECT setseed(%s)", [seed])
    first_id = _max_id("contributions_contribution")
    done = 0
    while done < count:
        size = min(BATCH, count - done)
        _execute(
            """
            WITH vocabulary AS (SELECT %(words)s::text[] AS w),
                 departments AS (
                   SELECT array_agg(d.code ORDER BY d.code) AS codes,
                          array_agg(r.territory_id ORDER BY d.code) AS territories
                   FROM egts_department d JOIN egts_region r ON r.code = d.region_id),
                 rows AS (
                   SELECT n,
                          1 + floor(random() * array_length(dep.codes, 1))::int AS d,
                          -- g in the aggregate ties it to the subquery (one text per row)
                          (SELECT string_agg(v.w[1 + floor(random() * array_length(v.w, 1))::int
                                                 + 0 * g], ' ')
                             FROM generate_series(1, 5 + (n %% 3)) AS g) AS title,
                          (SELECT string_agg(v.w[1 + floor(random() * array_length(v.w, 1))::int
                                                 + 0 * g], ' ')
                             FROM generate_series(1, 40 + (n %% 51)) AS g) AS body,
                          random() AS r,
                          random() AS r2
                   FROM generate_series(%(start)s, %(stop)s) AS n, vocabulary v, departments dep)
            INSERT INTO contributions_contribution
              (status, flags, submitted_at, published_at, moderation_reason, moderation_message,
               kind, title, body, published_body, actor_category, source, updated_at,
               search_vector, department_id, territory_id)
            SELECT CASE WHEN rows.r < %(share)s THEN 'published' ELSE 'pending' END,
                   '{}'::jsonb,
                   now() - make_interval(secs => rows.n),
                   CASE WHEN rows.r < %(share)s THEN now() - make_interval(secs => rows.n) END,
                   '', '',
                   -- drawn, not n %% 3: the themes follow the id, and a kind that did too
                   -- would leave half of the theme + kind combinations empty
                   (ARRAY['expectation', 'observation', 'proposal'])[1 + floor(rows.r2 * 3)::int],
                   initcap(rows.title) || ' n° ' || rows.n,
                   rows.body, rows.body,
                   (%(actors)s::text[])[1 + (rows.n / 3) %% %(actor_count)s],
                   'online', now(),
                   setweight(to_tsvector('french_unaccent', rows.title), 'A')
                     || setweight(to_tsvector('french_unaccent', rows.body), 'B'),
                   dep.codes[rows.d], dep.territories[rows.d]
            FROM rows, departments dep
            """,
            {
                "words": WORDS,
                "actors": ACTORS,
                "actor_count": len(ACTORS),
                "start": done + 1,
                "stop": done + size,
                "share": published_share,
            },
        )
        done += size
    _link(
        "contributions_contribution_themes", "contribution_id", "theme_id", "egts_theme", first_id
    )
    _link(
        "contributions_contribution_policies",
        "contribution_id",
        "policy_id",
        "egts_policy",
        first_id,
    )
    _execute("ANALYZE contributions_contribution")
    _execute("ANALYZE contributions_contribution_themes")
    _execute("ANALYZE contributions_contribution_policies")
    return time.monotonic() - started


def _max_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608 (a constant)
        return cursor.fetchone()[0]


def _link(through: str, owner: str, target: str, table: str, after_id: int) -> None:
    """One code per new row (a second for a third of them), chosen by the row's id."""
    owner_table = through.rsplit("_", 1)[0]
    _execute(
        f"""
        WITH codes AS (SELECT array_agg(code ORDER BY code) AS c FROM {table})
        INSERT INTO {through} ({owner}, {target})
        SELECT o.id, codes.c[1 + (o.id %% array_length(codes.c, 1))]
          FROM {owner_table} o, codes WHERE o.id > %s
        UNION
        SELECT o.id, codes.c[1 + ((o.id / 3) %% array_length(codes.c, 1))]
          FROM {owner_table} o, codes WHERE o.id > %s AND o.id %% 3 = 0
        """,  # noqa: S608 (table names are constants of this module)
        [after_id, after_id],
    )


def load_responses(count: int, questionnaire_id: int, *, seed: float = 0.42) -> float:
    """``count`` responses to one questionnaire, each answering its single-choice and scale
    questions (one choice drawn per response), spread over departments and categories."""
    started = time.monotonic()
    _execute("SELECT setseed(%s)", [seed])
    first_id = _max_id("contributions_response")
    _execute(
        """
        WITH departments AS (
               SELECT array_agg(d.code ORDER BY d.code) AS codes,
                      array_agg(r.territory_id ORDER BY d.code) AS territories
               FROM egts_department d JOIN egts_region r ON r.code = d.region_id)
        INSERT INTO contributions_response
          (actor_category, created_at, department_id, questionnaire_id, territory_id)
        SELECT (%(actors)s::text[])[1 + n %% %(actor_count)s],
               now() - make_interval(secs => n),
               dep.codes[1 + n %% array_length(dep.codes, 1)], %(questionnaire)s,
               dep.territories[1 + n %% array_length(dep.codes, 1)]
        FROM generate_series(1, %(count)s) AS n, departments dep
        """,
        {
            "actors": ACTORS,
            "actor_count": len(ACTORS),
            "questionnaire": questionnaire_id,
            "count": count,
        },
    )
    _execute(
        """
        INSERT INTO contributions_answer (value, text, choice_id, question_id, response_id)
        SELECT NULL, '', c.ids[1 + floor(random() * array_length(c.ids, 1))::int], c.question_id,
               r.id
        FROM contributions_response r,
             (SELECT q.id AS question_id, array_agg(ch.id ORDER BY ch.id) AS ids
                FROM contributions_question q JOIN contributions_choice ch ON ch.question_id = q.id
               WHERE q.questionnaire_id = %(questionnaire)s AND q.kind = 'single'
               GROUP BY q.id) AS c
        WHERE r.id > %(after)s
        UNION ALL
        SELECT q.scale_min + floor(random() * (q.scale_max - q.scale_min + 1))::int, '', NULL,
               q.id, r.id
        FROM contributions_response r, contributions_question q
        WHERE r.id > %(after)s AND q.questionnaire_id = %(questionnaire)s AND q.kind = 'scale'
        """,
        {"questionnaire": questionnaire_id, "after": first_id},
    )
    _execute("ANALYZE contributions_response")
    _execute("ANALYZE contributions_answer")
    return time.monotonic() - started
