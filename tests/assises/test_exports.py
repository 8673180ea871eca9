"""Streamed CSV exports: who gets which territory, stable columns, formula injection."""

import csv
import io

import pytest
from django.http import StreamingHttpResponse
from django.utils import timezone
from rest_framework.test import APIClient

from contributions.models import Answer, Choice, QuestionKind
from egts.models import Department
from tests.factories.assises import ProposalFactory, territory
from tests.factories.contributions import (
    ContributionFactory,
    QuestionFactory,
    QuestionnaireFactory,
    ResponseFactory,
)
from tests.factories.practices import PracticeFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "participant", "other_copil", "member", "facilitator", "lead", "national"]


def api(roles, role) -> APIClient:
    client = APIClient()
    if roles[role] is not None:
        client.force_authenticate(roles[role])
    return client


def rows_of(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def warm_reference() -> None:
    """Labels come from the reference cache, read once per process: not per export."""
    from egts import reference

    reference.themes()


def sud_ouest_department() -> Department:
    return Department.objects.filter(region__territory__slug="sud-ouest").order_by("code").first()


@pytest.fixture
def contributions():
    return {
        "grand-sud": ContributionFactory(published=True, title="Accueil inconditionnel"),
        "sud-ouest": ContributionFactory(published=True, department=sud_ouest_department()),
        "pending": ContributionFactory(),
    }


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", (401, None)),
        ("participant", (403, None)),
        ("other_copil", (200, ["sud-ouest"])),
        ("member", (200, ["grand-sud"])),
        ("facilitator", (403, None)),
        ("lead", (200, ["grand-sud"])),
        ("national", (200, ["grand-sud", "sud-ouest"])),
    ],
)
def test_contributions_export_is_scoped_to_the_callers_territories(
    roles, contributions, role, expected
):
    response = api(roles, role).get("/api/v1/exports/contributions.csv")
    status, territories = expected
    assert response.status_code == status
    if status != 200:
        return
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, *rows = rows_of(response)
    assert header == [
        "Identifiant",
        "Nature",
        "Titre",
        "Texte",
        "Thèmes",
        "Codes des thèmes",
        "Politiques",
        "Codes des politiques",
        "Territoire",
        "Code du territoire",
        "Département",
        "Code du département",
        "Catégorie d'acteur",
        "Origine",
        "Publiée le",
    ]
    assert sorted(row[9] for row in rows) == territories


@pytest.mark.parametrize(
    ("role", "status"),
    [("other_copil", 403), ("member", 200), ("lead", 200), ("national", 200)],
)
def test_territory_parameter_for_another_territory_is_403(roles, contributions, role, status):
    response = api(roles, role).get("/api/v1/exports/contributions.csv?territory=grand-sud")
    assert response.status_code == status
    if status == 200:
        header, *rows = rows_of(response)
        assert [row[0] for row in rows] == [str(contributions["grand-sud"].pk)]
        contribution = contributions["grand-sud"]
        assert rows[0][1:4] == ["Attente", "Accueil inconditionnel", contribution.body]
        assert rows[0][5] == "T1"
        assert rows[0][8:] == [
            "Grand Sud",
            "grand-sud",
            "Bouches-du-Rhône",
            "13",
            "Professionnels de terrain",
            "En ligne",
            timezone.localtime(contribution.published_at).strftime("%d/%m/%Y %H:%M"),
        ]


def test_unknown_territory_or_kind_is_404(roles):
    client = api(roles, "national")
    assert client.get("/api/v1/exports/contributions.csv?territory=atlantide").status_code == 404
    assert client.get("/api/v1/exports/users.csv").status_code == 404


def test_cells_that_would_run_as_formulas_are_quoted(roles):
    for title in ['=HYPERLINK("http://x")', "+33 1 23", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]:
        ContributionFactory(published=True, title=title)
    ContributionFactory(published=True, title="Sans danger = texte")
    response = api(roles, "national").get("/api/v1/exports/contributions.csv")
    titles = sorted(row[2] for row in rows_of(response)[1:])
    assert titles == sorted(
        [
            '\'=HYPERLINK("http://x")',
            "'+33 1 23",
            "'-2+3",
            "'@SUM(A1)",
            "'\tcmd",
            "'\rcmd",
            "Sans danger = texte",
        ]
    )


def test_moderation_log_export_quotes_formula_cells(client, roles):
    from egts.moderation import apply_decision

    contribution = ContributionFactory(title="=1+1 danger")
    apply_decision(
        item=contribution,
        decided_by=roles["national"],
        decision="reject",
        reason="other",
        message="@appel",
    )
    client.force_login(roles["national"])
    response = client.get("/espace/moderation/journal.csv")
    header, row = rows_of(response)
    assert header[5] == "Titre"
    assert (row[5], row[8]) == ("'=1+1 danger", "'@appel")
    from egts.moderation import Decision

    assert (row[6], row[7]) == (Decision.REJECT.label, contribution.get_moderation_reason_display())


def test_practices_export_never_gives_the_private_contact(roles):
    practice = PracticeFactory(published=True, organisation="=Structure")
    PracticeFactory()  # pending
    header, *rows = rows_of(api(roles, "national").get("/api/v1/exports/practices.csv"))
    assert header == [
        "Identifiant",
        "Titre",
        "Résumé",
        "Structure",
        "Thèmes",
        "Codes des thèmes",
        "Politiques",
        "Codes des politiques",
        "Territoire",
        "Code du territoire",
        "Département",
        "Code du département",
        "Catégorie d'acteur",
        "Mise en avant",
        "Publiée le",
    ]
    assert len(rows) == 1
    assert rows[0][:4] == [str(practice.pk), practice.title, practice.summary, "'=Structure"]
    assert practice.contact_email not in ";".join(rows[0])


def test_proposals_export_has_owner_level_priority_deadline_and_indicators(roles):
    proposal = ProposalFactory(owner="Département", indicators="Nombre de formations communes")
    ProposalFactory(territory=territory("sud-ouest"))
    header, *rows = rows_of(api(roles, "lead").get("/api/v1/exports/proposals.csv"))
    assert header == [
        "Identifiant",
        "Territoire",
        "Code du territoire",
        "Titre",
        "Description",
        "Thème",
        "Code du thème",
        "Politique",
        "Code de la politique",
        "Niveau",
        "Porteur",
        "Priorité",
        "Échéance",
        "Indicateurs",
        "Statut",
        "Rang",
    ]
    assert rows == [
        [
            str(proposal.pk),
            "Grand Sud",
            "grand-sud",
            proposal.title,
            proposal.description,
            proposal.theme.label,
            "T1",
            proposal.policy.label,
            "P1",
            proposal.get_level_display(),
            "Département",
            proposal.get_priority_display(),
            "",
            "Nombre de formations communes",
            proposal.get_status_display(),
            "",
        ]
    ]


def test_responses_export_has_one_stable_column_per_question(roles):
    questionnaire = QuestionnaireFactory(slug="attentes")
    single = QuestionFactory(questionnaire=questionnaire, kind=QuestionKind.SINGLE)
    multiple = QuestionFactory(
        questionnaire=questionnaire, kind=QuestionKind.MULTIPLE, choices=["A", "B", "C"]
    )
    scale = QuestionFactory(questionnaire=questionnaire, kind=QuestionKind.SCALE)
    text = QuestionFactory(questionnaire=questionnaire, kind=QuestionKind.TEXT, required=False)
    full = ResponseFactory(questionnaire=questionnaire)
    Answer.objects.create(response=full, question=single, choice=single.choices.get(label="Non"))
    for label in ["A", "C"]:
        Answer.objects.create(
            response=full,
            question=multiple,
            choice=Choice.objects.get(question=multiple, label=label),
        )
    Answer.objects.create(response=full, question=scale, value=4)
    Answer.objects.create(response=full, question=text, text="=cmd|' /C calc'!A0")
    empty = ResponseFactory(questionnaire=questionnaire, actor_category="usagers")
    header, *rows = rows_of(
        api(roles, "national").get("/api/v1/exports/responses.csv?questionnaire=attentes")
    )
    assert header == [
        "Identifiant",
        "Questionnaire",
        "Code du questionnaire",
        "Reçue le",
        "Catégorie d'acteur",
        "Territoire",
        "Code du territoire",
        "Département",
        "Code du département",
        f"q{single.pk} – {single.label}",
        f"q{multiple.pk} – {multiple.label}",
        f"q{scale.pk} – {scale.label}",
        f"q{text.pk} – {text.label}",
    ]
    by_id = {row[0]: row for row in rows}
    assert by_id[str(full.pk)][1:3] == [questionnaire.title, "attentes"]
    place = ["Grand Sud", "grand-sud", "Bouches-du-Rhône", "13"]
    assert by_id[str(full.pk)][4:] == [
        "Professionnels de terrain",
        *place,
        "Non",
        "A | C",
        "4",
        "'=cmd|' /C calc'!A0",
    ]
    assert by_id[str(empty.pk)][4:] == ["Personnes concernées / usagers", *place, "", "", "", ""]


@pytest.mark.parametrize("rows", [1, 50])
def test_export_query_count_does_not_grow_with_rows(roles, rows, django_assert_num_queries):
    ContributionFactory.create_batch(rows, published=True)
    warm_reference()
    client = api(roles, "national")
    response = client.get("/api/v1/exports/contributions.csv")
    # Streaming: the queries run while the body is read (one page + its themes + policies,
    # then the empty page that ends the stream).
    with django_assert_num_queries(4):
        data = rows_of(response)
    assert len(data) == rows + 1


def test_export_reads_keyset_pages(roles, monkeypatch, django_assert_num_queries):
    from assises.services import exports

    monkeypatch.setattr(exports, "CHUNK", 10)
    ContributionFactory.create_batch(25, published=True)
    warm_reference()
    response = api(roles, "national").get("/api/v1/exports/contributions.csv")
    with django_assert_num_queries(3 * 3 + 1):  # three pages of three queries, one empty page
        data = rows_of(response)
    assert len(data) == 26
    assert len({row[0] for row in data[1:]}) == 25


def test_territory_dashboard_links_to_its_exports(client, roles):
    client.force_login(roles["member"])
    html = client.get("/espace/grand-sud/").content.decode()
    for kind in ("contributions", "responses", "practices", "proposals"):
        assert f'href="/api/v1/exports/{kind}.csv?territory=grand-sud"' in html
    # The same session downloads it: the API accepts the back-office's session.
    response = client.get("/api/v1/exports/proposals.csv?territory=grand-sud")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"


@pytest.mark.parametrize(
    ("role", "query", "filename"),
    [
        ("member", "", "contributions-grand-sud.csv"),
        ("other_copil", "", "contributions-sud-ouest.csv"),
        ("national", "", "contributions-tous-territoires.csv"),
        ("national", "?territory=grand-sud", "contributions-grand-sud.csv"),
    ],
)
def test_export_file_is_named_after_what_it_holds(roles, contributions, role, query, filename):
    response = api(roles, role).get(f"/api/v1/exports/contributions.csv{query}")
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
