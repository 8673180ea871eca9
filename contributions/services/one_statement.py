"""Submissions and questionnaire responses written in one statement on PostgreSQL.

A statement is atomic by itself: writing a submission and what hangs on it in one, with
data-modifying WITH clauses, spares the transaction's BEGIN and COMMIT and every other
round trip. The columns and values are the ORM's own (the model's fields, pre_save and
get_db_prep_save), so a field added to a model is written here too. SQLite (``make run``)
and every other write go through the ORM.

Why this is kept beside the ORM (issue 22 asked for one write path): with the ORM alone
on PostgreSQL (the claim of the sending, the insert, the links or answers, the claim's
update, each a round trip inside a transaction) the load test (`make loadtest`,
LOADTEST_SCENARIOS=QuestionnaireUser,ContributionSubmitUser, 50 users, three rounds, on
this 2-core machine, 2026-12-07) measured, against each round's ceiling: anonymous
responses 36 % (95.5 req/s) against 60 % (152.9 req/s) with this module, signed-in
contributions 25 % (77.2 req/s) against 42 % (114.8 req/s); in process, a response cost
9.0 ms of CPU against 3.9 ms. The platform's target is half the ceiling.
"""

from __future__ import annotations

import functools

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

from egts import resubmission
from egts.db import server_bound_cursor
from egts.models import SubmissionGuard

from ..models import Answer, Contribution, Response

# A statement is atomic by itself: writing a submission and what hangs on it in one, with
# data-modifying WITH clauses, spares the transaction's BEGIN and COMMIT and every other
# round trip. The columns and values are the ORM's own (the model's fields, pre_save and
# get_db_prep_save), so a field added to a model is written here too.


@functools.cache
def _insert_shape(model, skip: tuple[str, ...] = ()) -> tuple[tuple, str, str]:
    """The fields an insert into ``model`` writes, their quoted columns and their typed
    placeholders: the same for every row, so worked out once per process, not per row."""
    fields = tuple(
        f for f in model._meta.concrete_fields if not f.primary_key and f.column not in skip
    )
    db = connections[DEFAULT_DB_ALIAS]
    columns = ", ".join(db.ops.quote_name(f.column) for f in fields)
    types = ", ".join(f"%s::{f.db_type(db)}" for f in fields)
    return fields, columns, types


def _row(instance, fields) -> list:
    """The values an insert writes for ``instance``: the ORM's own (pre_save, then
    get_db_prep_save), so a default, an auto_now or a field's conversion apply as in save()."""
    db = connections[DEFAULT_DB_ALIAS]
    return [f.get_db_prep_save(f.pre_save(instance, add=True), db) for f in fields]


def _execute_one(sql: str, params: list):
    """Runs one statement (PostgreSQL, parameters bound on the server: egts/db.py) and
    returns its first row. Inside a caller's transaction, a
    savepoint keeps a refused statement from spoiling the rest of it."""
    if connection.in_atomic_block:
        with transaction.atomic(), server_bound_cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    with server_bound_cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def insert_unless_resent(
    contribution: Contribution, theme_codes, policy_codes, *, fingerprint: str
) -> bool:
    """Records the sending in SubmissionGuard (egts/resubmission.py), and inserts the
    contribution and its links only if the same one was not sent in the window. A copy sent
    at the same moment waits on the guard's unique pair until the first commits, then finds
    it recent. False: it was a copy."""
    fields, columns, placeholders = _insert_shape(Contribution)
    values = _row(contribution, fields)
    guard = SubmissionGuard._meta.db_table
    sql = f"""
        WITH guard AS (
            INSERT INTO {guard} (sender, author_id, fingerprint, sent_at) VALUES (%s, %s, %s, %s)
            ON CONFLICT (sender, fingerprint) DO UPDATE SET sent_at = EXCLUDED.sent_at
            WHERE {guard}.sent_at < %s
            RETURNING 1
        ), inserted AS (
            INSERT INTO {Contribution._meta.db_table} ({columns})
            SELECT {placeholders} FROM guard
            RETURNING id
        ), themes AS (
            INSERT INTO {Contribution.themes.through._meta.db_table} (contribution_id, theme_id)
            SELECT inserted.id, code FROM inserted, unnest(%s::varchar[]) AS code
        ), policies AS (
            INSERT INTO {Contribution.policies.through._meta.db_table} (contribution_id, policy_id)
            SELECT inserted.id, code FROM inserted, unnest(%s::varchar[]) AS code
        )
        SELECT id FROM inserted
    """  # noqa: S608 — table and column names come from the models, values are parameters
    now = contribution.submitted_at
    row = _execute_one(
        sql,
        [
            resubmission.user_sender(contribution.author),
            contribution.author_id,
            fingerprint,
            now,
            now - resubmission.WINDOW,
            *values,
            theme_codes,
            policy_codes,
        ],
    )
    if row is None:
        return False
    contribution.pk = row[0]
    contribution._state.adding = False
    contribution.theme_codes, contribution.policy_codes = theme_codes, policy_codes
    return True


@functools.cache
def _response_sql(guarded: bool) -> str:
    """The response and its answers in one statement; ``guarded``: only if the same
    response was not sent by the same person within the window (SubmissionGuard). The
    response's id is drawn first and kept in the guard, so that a copy finds it."""
    _fields, columns, placeholders = _insert_shape(Response)
    answer_fields, answer_columns, _placeholders = _insert_shape(Answer, skip=("response_id",))
    db = connections[DEFAULT_DB_ALIAS]
    arrays = ", ".join(f"%s::{f.db_type(db)}[]" for f in answer_fields)
    table = Response._meta.db_table
    answers = f"""answers AS (
            INSERT INTO {Answer._meta.db_table} (response_id, {answer_columns})
            SELECT inserted.id, answer.* FROM inserted, unnest({arrays}) AS answer
        )"""  # noqa: S608 — table and column names come from the models
    if not guarded:
        return f"""
            WITH inserted AS (
                INSERT INTO {table} ({columns}) VALUES ({placeholders})
                RETURNING id
            ), {answers}
            SELECT id FROM inserted
        """  # noqa: S608 — table and column names come from the models, values are parameters
    guard = SubmissionGuard._meta.db_table
    pk_column = Response._meta.pk.column
    pk = db.ops.quote_name(pk_column)
    return f"""
        WITH guard AS (
            INSERT INTO {guard} (sender, author_id, fingerprint, sent_at, result_id)
            VALUES (%s, %s, %s, %s, nextval(pg_get_serial_sequence('{table}', '{pk_column}')))
            ON CONFLICT (sender, fingerprint) DO UPDATE
                SET sent_at = EXCLUDED.sent_at, author_id = EXCLUDED.author_id,
                    result_id = EXCLUDED.result_id
                WHERE {guard}.sent_at < %s
            RETURNING result_id
        ), inserted AS (
            INSERT INTO {table} ({pk}, {columns})
            SELECT guard.result_id, {placeholders} FROM guard
            RETURNING id
        ), {answers}
        SELECT id FROM inserted
    """  # noqa: S608 — table and column names come from the models, values are parameters


def insert_response(response: Response, answers: list[dict], guard: tuple | None = None) -> bool:
    """The response and its answers (each ``{attname: value}``), in one statement.

    ``guard``, (sender, author id, fingerprint): nothing is written if the same response
    was sent within the window; False then.

    An answer's field that is not given takes its default, as in Answer(): none of them
    computes its value on save (no auto_now, no file), so pre_save has nothing to do.
    """
    db = connections[DEFAULT_DB_ALIAS]
    answer_fields = _insert_shape(Answer, skip=("response_id",))[0]
    rows = [
        [
            f.get_db_prep_save(given[f.attname] if f.attname in given else f.get_default(), db)
            for f in answer_fields
        ]
        for given in answers
    ]
    columns_of_answers = [list(column) for column in zip(*rows, strict=True)] or [
        [] for _field in answer_fields
    ]
    values = _row(response, _insert_shape(Response)[0])
    params = [*values, *columns_of_answers]
    if guard is not None:
        now = timezone.now()
        params = [*guard, now, now - resubmission.WINDOW, *params]
    row = _execute_one(_response_sql(guard is not None), params)
    if row is None:
        return False
    (response.pk,) = row
    response._state.adding = False
    return True
