"""The submission paths a consultation's opening day leans on: few queries, nothing stale.

A contribution and a questionnaire response check their codes and questions against copies
held in memory (egts/reference.py, services.questionnaire_for_answers). These tests pin
the number of queries each submission costs, and show that a change to what is held in
memory is seen by the next submission.
"""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.apps import apps
from django.utils import timezone
from rest_framework.test import APIClient

from contributions import services
from contributions.models import Answer, Choice, Contribution, QuestionKind, Response
from contributions.serializers import (
    ContributionCreatedSerializer,
    ContributionCreateSerializer,
    contribution_created,
)
from egts import reference
from egts.models import Department, Policy, Theme
from egts.moderation import Moderated
from practices.models import Practice
from tests.factories.contributions import QuestionFactory, build_questionnaire
from tests.factories.egts import UserFactory

pytestmark = pytest.mark.django_db

CONTRIBUTIONS = "/api/v1/contributions/"


def contribution(**overrides):
    return {
        "kind": "expectation",
        "title": "Du temps pour se coordonner",
        "body": "Les équipes ont besoin de temps pour se coordonner entre services.",
        "themes": ["T4", "T1"],
        "policies": ["P1"],
        "department": "13",
        "actor_category": "professionnels",
        **overrides,
    }


@pytest.fixture
def signed_in():
    client = APIClient()
    client.force_authenticate(UserFactory())
    return client


@pytest.fixture
def questionnaire():
    return build_questionnaire(slug="attentes")


def answers_for(questionnaire):
    by_label = {q.label: q for q in questionnaire.questions.all()}
    single, scale = by_label["Êtes-vous d'accord ?"], by_label["Votre note ?"]
    multiple, text = by_label["Quels leviers ?"], by_label["Pourquoi ?"]
    return [
        {"question": single.id, "choice": single.choices.get(label="Oui").id},
        {"question": scale.id, "value": 4},
        {"question": multiple.id, "choices": [c.id for c in multiple.choices.all()[:2]]},
        {"question": text.id, "text": "Parce que."},
    ]


def other_text(answers):
    """The same answers but the text: not the same response (double-click protection)."""
    return [{**a, "text": "Une autre raison."} if "text" in a else a for a in answers]


def respond(questionnaire, answers, client=None):
    return (client or APIClient()).post(
        f"/api/v1/questionnaires/{questionnaire.slug}/responses/",
        {"actor_category": "usagers", "department": "13", "answers": answers},
        format="json",
    )


# --- Contributions --------------------------------------------------------------------------


def statements(captured) -> list[str]:
    return [query["sql"].split()[0] for query in captured.captured_queries]


@pytest.mark.postgres  # one statement is PostgreSQL's path; SQLite takes the ORM's
def test_a_contribution_is_one_statement_whatever_it_names(signed_in, django_assert_num_queries):
    reference.themes()  # each process reads the reference data once
    # The record of its sending, the contribution, its themes and its policies: one
    # statement (here inside a savepoint, as the test runs in a transaction).
    with django_assert_num_queries(3) as captured:
        response = signed_in.post(CONTRIBUTIONS, contribution(), format="json")
    assert response.status_code == 201, response.content
    assert statements(captured) == ["SAVEPOINT", "WITH", "RELEASE"]
    with django_assert_num_queries(3):
        response = signed_in.post(
            CONTRIBUTIONS,
            contribution(title="Autre titre", themes=["T1", "T2", "T3"], policies=[]),
            format="json",
        )
    assert response.status_code == 201, response.content
    stored = Contribution.objects.get(pk=response.json()["id"])
    assert sorted(stored.themes.values_list("code", flat=True)) == ["T1", "T2", "T3"]
    assert not stored.policies.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_outside_a_transaction_each_submission_is_one_round_trip(
    django_assert_num_queries, monkeypatch
):
    client = APIClient()
    client.force_authenticate(UserFactory())
    questionnaire = build_questionnaire(slug="attentes")
    answers = answers_for(questionnaire)
    reference.themes()
    respond(questionnaire, other_text(answers))  # the process reads its questions once
    # The screening is a message to the broker, as in production (eager here would run it
    # inside the request and count the worker's queries).
    sent = []
    monkeypatch.setattr("contributions.tasks.screen_contribution.delay", sent.append)
    with django_assert_num_queries(2) as captured:
        response = client.post(CONTRIBUTIONS, contribution(), format="json")
        assert response.status_code == 201
        assert respond(questionnaire, answers).status_code == 201
    assert statements(captured) == ["WITH", "WITH"]
    assert sent == [response.json()["id"]]


@pytest.mark.postgres  # one statement is PostgreSQL's path; SQLite takes the ORM's
def test_a_copy_costs_the_reading_of_the_first(signed_in, django_assert_num_queries):
    first = signed_in.post(CONTRIBUTIONS, contribution(), format="json").json()
    # The statement, then the first one with its territory, themes and policies.
    with django_assert_num_queries(7):
        again = signed_in.post(CONTRIBUTIONS, contribution(), format="json").json()
    assert again["id"] == first["id"]


def test_what_is_stored_is_every_field_the_orm_would_store(signed_in):
    data = signed_in.post(CONTRIBUTIONS, contribution(), format="json").json()
    stored = Contribution.objects.get(pk=data["id"])
    assert stored.status == "pending"
    assert stored.kind == "expectation"
    assert stored.source == "online"
    assert stored.flags == []
    assert stored.published_at is None
    assert stored.moderation_reason == "" and stored.moderation_message == ""
    assert stored.published_body == ""
    assert stored.updated_at >= stored.submitted_at
    assert stored.author is not None
    assert stored.department_id == "13" and stored.territory.slug == "grand-sud"
    flagged = signed_in.post(
        CONTRIBUTIONS,
        contribution(title="Appelez-moi", body="Mon numéro est le 06 12 34 56 78, merci."),
        format="json",
    ).json()
    assert Contribution.objects.get(pk=flagged["id"]).flags == ["phone"]


def test_the_orm_path_merges_copies_too(monkeypatch):
    # The path SQLite (make run) takes, and offline entries: the same rules.
    from django.db import connection

    monkeypatch.setattr(connection, "vendor", "sqlite")
    t4 = reference.themes()["T4"]
    entry = {
        "kind": "expectation",
        "title": "Un titre",
        "body": "Un texte assez long pour une contribution.",
        "actor_category": "professionnels",
        "department": reference.departments()["13"],
        "themes": [t4],
    }
    author = UserFactory()
    first = services.contribution_submit(author=author, **entry)
    assert services.contribution_submit(author=author, **entry).pk == first.pk
    assert services.contribution_submit(author=UserFactory(), **entry).pk != first.pk
    offline = [services.contribution_submit(author=None, **entry) for _ in range(2)]
    assert offline[0].pk != offline[1].pk
    assert first.theme_codes == ["T4"] and first.policy_codes == []
    assert Contribution.objects.count() == 4


def test_the_answer_names_what_was_stored(signed_in):
    data = signed_in.post(CONTRIBUTIONS, contribution(), format="json").json()
    stored = Contribution.objects.get(pk=data["id"])
    assert data["themes"] == ["T4", "T1"]
    assert sorted(stored.themes.values_list("code", flat=True)) == ["T1", "T4"]
    assert data["policies"] == ["P1"] == list(stored.policies.values_list("code", flat=True))
    assert data["territory"] == stored.territory.slug == "grand-sud"
    assert data["department"] == "13"


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"department": None, "policies": []},
        # A personal detail in the text: the answer names the automatic flag.
        {"body": "Appelez-moi au 06 12 34 56 78 pour en parler avec les équipes."},
    ],
    ids=["territorial", "national", "flagged"],
)
def test_the_answer_is_what_its_schema_serializer_gives(overrides):
    """The view builds the answer directly (serializers.contribution_created); the schema
    describes it with ContributionCreatedSerializer: both must give the same, for a
    contribution just written, for a copy resent and for one read from the database."""
    fields = contribution(**overrides)
    author = UserFactory()

    def submit():
        return services.contribution_submit(
            author=author,
            kind=fields["kind"],
            title=fields["title"],
            body=fields["body"],
            themes=[Theme.objects.get(pk=code) for code in fields["themes"]],
            policies=[Policy.objects.get(pk=code) for code in fields["policies"]],
            department=Department.objects.filter(pk=fields["department"]).first(),
            actor_category=fields["actor_category"],
        )

    written, resent = submit(), submit()
    fresh = Contribution.objects.get(pk=written.pk)
    assert resent.pk == written.pk
    for instance in (written, resent, fresh):
        assert contribution_created(instance) == ContributionCreatedSerializer(instance).data
    assert bool(contribution_created(fresh)["flags"]) == ("06 12" in fields["body"])


def test_submission_serializers_copy_their_fields_and_leave_the_declared_ones_unbound():
    """SubmissionSerializer copies its declared fields shallowly: each serializer binds its
    own copies, and the declared fields, shared by every request, are never bound."""
    bad = contribution(themes=["ZZ"], policies=["P1", "P9"], department="999")
    first, second = ContributionCreateSerializer(data=bad), ContributionCreateSerializer(data=bad)
    assert not first.is_valid() and not second.is_valid()

    for name, declared in ContributionCreateSerializer._declared_fields.items():
        assert declared.parent is None and declared.field_name is None
        assert first.fields[name] is not declared and first.fields[name] is not second.fields[name]
        assert first.fields[name].parent is first and second.fields[name].parent is second
    assert first.errors == second.errors
    assert set(first.errors) == {"themes", "policies", "department"}


def test_submission_serializers_validate_side_by_side_in_threads():
    """The threads of a gunicorn worker validate at once with the same declared fields:
    each one gets the answer to its own data."""
    good, bad = contribution(), contribution(themes=["ZZ"], actor_category="inconnu")

    def check(index):
        data = good if index % 2 else bad
        for _ in range(50):
            form = ContributionCreateSerializer(data=data)
            if form.is_valid() != (data is good):
                return False
            if data is bad and set(form.errors) != {"themes", "actor_category"}:
                return False
            if data is good and [t.pk for t in form.validated_data["themes"]] != ["T4", "T1"]:
                return False
        return True

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert all(pool.map(check, range(16)))


def test_a_code_named_twice_is_stored_once(signed_in):
    data = signed_in.post(CONTRIBUTIONS, contribution(themes=["T4", "T4"]), format="json").json()
    assert data["themes"] == ["T4"]
    assert Contribution.objects.get(pk=data["id"]).themes.count() == 1


def test_a_national_contribution_has_no_territory_in_the_answer(signed_in):
    data = signed_in.post(CONTRIBUTIONS, contribution(department=None), format="json").json()
    assert data["territory"] is None
    assert data["department"] is None


def test_a_resent_contribution_answers_with_the_first_ones_codes(signed_in):
    first = signed_in.post(CONTRIBUTIONS, contribution(), format="json").json()
    again = signed_in.post(
        CONTRIBUTIONS, contribution(themes=["T2"], policies=[]), format="json"
    ).json()
    assert again["id"] == first["id"]
    assert sorted(again["themes"]) == ["T1", "T4"]
    assert again["policies"] == ["P1"]
    assert Contribution.objects.count() == 1


def test_a_reference_change_in_this_process_is_seen_at_once(signed_in, settings):
    settings.REFERENCE_CACHE_SECONDS = 3600
    assert "T7" not in reference.themes()
    Theme.objects.create(code="T7", label="Un septième thème", order=7)
    response = signed_in.post(CONTRIBUTIONS, contribution(themes=["T7"]), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["themes"] == ["T7"]


def test_reference_data_is_read_again_after_its_lifetime(settings):
    settings.REFERENCE_CACHE_SECONDS = 0
    assert reference.departments()["13"].name == "Bouches-du-Rhône"
    # An update() sends no signal: only the lifetime makes it seen.
    Department.objects.filter(code="13").update(name="Bouches du Rhône")
    assert reference.departments()["13"].name == "Bouches du Rhône"


def test_reference_data_is_held_within_its_lifetime(settings, django_assert_num_queries):
    settings.REFERENCE_CACHE_SECONDS = 300
    reference.forget()
    with django_assert_num_queries(3):
        reference.themes()
    with django_assert_num_queries(0):
        assert set(reference.policies()) == {"P1", "P2", "P3", "P4", "P5"}
        assert reference.departments()["2A"].region.territory.slug


def test_unknown_codes_are_still_named(signed_in):
    response = signed_in.post(
        CONTRIBUTIONS,
        contribution(themes=["T9"], policies=["P0"], department="00"),
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()
    assert "Code inconnu : T9." in str(errors["themes"])
    assert "Code inconnu : P0." in str(errors["policies"])
    assert "Code inconnu : 00." in str(errors["department"])


# --- Questionnaire responses ----------------------------------------------------------------


@pytest.mark.postgres  # one statement is PostgreSQL's path; SQLite takes the ORM's
def test_a_response_and_its_answers_are_one_statement(questionnaire, django_assert_num_queries):
    answers = answers_for(questionnaire)
    respond(questionnaire, other_text(answers))  # the process reads its questions once
    with django_assert_num_queries(3) as captured:
        response = respond(questionnaire, answers)
    assert response.status_code == 201, response.content
    assert statements(captured) == ["SAVEPOINT", "WITH", "RELEASE"]
    assert Response.objects.count() == 2
    stored = Answer.objects.filter(response_id=response.json()["id"])
    assert stored.count() == 5
    assert sorted(stored.exclude(value=None).values_list("value", flat=True)) == [4]
    assert list(stored.exclude(text="").values_list("text", flat=True)) == ["Parce que."]
    assert stored.exclude(choice=None).count() == 3


def test_a_response_without_answers_is_stored(questionnaire):
    for question in questionnaire.questions.all():
        question.required = False
        question.save()
    response = respond(questionnaire, [])
    assert response.status_code == 201, response.content
    assert Response.objects.filter(pk=response.json()["id"]).exists()
    assert not Answer.objects.exists()


def test_the_orm_path_stores_a_response_too(questionnaire, monkeypatch):
    # The path SQLite takes (make run).
    from django.db import connection

    monkeypatch.setattr(connection, "vendor", "sqlite")
    response = respond(questionnaire, answers_for(questionnaire))
    assert response.status_code == 201, response.content
    assert Answer.objects.filter(response_id=response.json()["id"]).count() == 5


def test_a_new_required_question_is_asked_at_once(questionnaire):
    assert respond(questionnaire, answers_for(questionnaire)).status_code == 201
    added = QuestionFactory(
        questionnaire=questionnaire, kind=QuestionKind.TEXT, label="Et encore ?", required=True
    )
    response = respond(questionnaire, answers_for(questionnaire))
    assert response.status_code == 400
    assert "« Et encore ? » est obligatoire" in str(response.json()["answers"])
    answered = [*answers_for(questionnaire), {"question": added.id, "text": "Oui."}]
    assert respond(questionnaire, answered).status_code == 201


def test_a_questionnaire_closed_in_this_process_refuses_at_once(questionnaire):
    assert respond(questionnaire, answers_for(questionnaire)).status_code == 201
    questionnaire.closes_at = timezone.now()
    questionnaire.save()
    response = respond(questionnaire, answers_for(questionnaire))
    assert response.status_code == 400
    assert "clos" in str(response.json())


def test_a_questionnaire_held_in_memory_closes_on_its_date(questionnaire, settings):
    settings.QUESTIONNAIRE_CACHE_SECONDS = 3600
    questionnaire.closes_at = timezone.now() + timezone.timedelta(seconds=1)
    questionnaire.save()
    assert respond(questionnaire, answers_for(questionnaire)).status_code == 201
    held, _questions = services.questionnaire_for_answers("attentes")
    held.closes_at = timezone.now()  # as if its date had come while it was held
    assert respond(questionnaire, answers_for(questionnaire)).status_code == 400


def test_a_questionnaire_not_yet_open_or_unknown_is_404(questionnaire):
    questionnaire.opens_at = timezone.now() + timezone.timedelta(days=1)
    questionnaire.save()
    assert respond(questionnaire, answers_for(questionnaire)).status_code == 404
    questionnaire.slug = "inconnu"
    assert respond(questionnaire, []).status_code == 404


def test_a_signed_in_participant_answers_once(questionnaire):
    client = APIClient()
    client.force_authenticate(UserFactory())
    assert respond(questionnaire, answers_for(questionnaire), client).status_code == 201
    again = respond(questionnaire, other_text(answers_for(questionnaire)), client)
    assert again.status_code == 400
    assert "déjà répondu" in str(again.json())
    assert Response.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_choice_removed_by_another_process_gives_a_clear_error_not_a_500():
    questionnaire = build_questionnaire(slug="attentes")
    answers = answers_for(questionnaire)
    held = services.questionnaire_for_answers("attentes")
    picked = next(a for a in answers if "choices" in a)["choices"][0]
    Choice.objects.filter(pk=picked).delete()
    # This process still holds the questions as they were, as another process would.
    services._held_questionnaires["attentes"] = (time.monotonic(), *held)
    response = respond(questionnaire, answers)
    assert response.status_code == 400
    assert "n'appartient pas à cette question" in str(response.json()["answers"])
    assert not Response.objects.exists()
    # Without that choice, the response goes through, checked against the database.
    without = [a for a in answers if "choices" not in a]
    assert respond(questionnaire, without).status_code == 201


def _index_columns(table):
    """Every plain btree index of a table as (name, columns, operator classes, unique).

    Partial and expression indexes are left out: neither is a plain prefix of another.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.relname,
                   array_agg(a.attname ORDER BY k.ord),
                   array_agg(oc.opcname ORDER BY k.ord),
                   ix.indisunique
              FROM pg_index ix
              JOIN pg_class t ON t.oid = ix.indrelid
              JOIN pg_class i ON i.oid = ix.indexrelid
              JOIN pg_am am ON am.oid = i.relam
              CROSS JOIN LATERAL unnest(ix.indkey, ix.indclass)
                   WITH ORDINALITY AS k(attnum, opclass, ord)
              JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
              JOIN pg_opclass oc ON oc.oid = k.opclass
             WHERE t.relname = %s AND am.amname = 'btree'
               AND ix.indpred IS NULL AND ix.indexprs IS NULL
             GROUP BY i.relname, ix.indisunique
            """,
            [table],
        )
        return cursor.fetchall()


@pytest.mark.parametrize("model", [Contribution, Response, Practice], ids=lambda m: m.__name__)
def test_submission_tables_carry_no_index_another_one_covers(model):
    """Each index is one more write per submission; one that is a prefix of another is waste."""
    table = model._meta.db_table
    indexes = _index_columns(table)
    assert indexes, f"{table} has no btree index at all: the catalogue query is wrong"
    redundant = []
    for name, columns, opclasses, unique in indexes:
        if unique:
            continue
        for other, other_columns, other_opclasses, _ in indexes:
            prefix = len(columns)
            if len(other_columns) <= prefix:
                continue
            same_columns = list(other_columns[:prefix]) == list(columns)
            if same_columns and list(other_opclasses[:prefix]) == list(opclasses):
                redundant.append(f"{name} {list(columns)} is covered by {other}")
    assert redundant == []


def test_every_moderated_model_has_a_queue_index_led_by_its_status():
    """Moderated.status has no index of its own: each concrete model must declare one."""
    concrete = [m for m in apps.get_models() if issubclass(m, Moderated)]
    assert {Contribution, Practice} <= set(concrete)
    unindexed = [
        m.__name__
        for m in concrete
        if not any(list(index.fields[:1]) == ["status"] for index in m._meta.indexes)
    ]
    assert unindexed == []
