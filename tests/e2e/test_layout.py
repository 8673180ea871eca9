"""Layout at the widths people use: 320 px (RGAA 10.11, reflow) and 1280 px.

Nothing scrolls sideways, the columns that matter in a table stay in view, the signed-in
main menu keeps to one line, and every page stays free of axe-core violations.
"""

from importlib import import_module

import pytest
from django.test import Client

from egts.models import Role
from tests.factories.assises import HypothesisFactory, HypothesisReviewFactory
from tests.factories.contributions import (
    AnswerFactory,
    ContributionFactory,
    QuestionFactory,
    QuestionnaireFactory,
    ResponseFactory,
)
from tests.factories.egts import UserFactory, copil_member, national_team_member
from tests.factories.practices import PracticeFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The first body row's cell under each named column, measured against the viewport and the
# box the table scrolls in: a cell outside either is hidden from whoever reads the page.
HIDDEN_CELLS = """(columns) => {
  const hidden = [];
  for (const table of document.querySelectorAll("main table")) {
    const headers = [...table.querySelectorAll("thead th")].map((th) => th.innerText.trim());
    const row = table.querySelector("tbody tr");
    if (!row) continue;
    const box = (table.closest(".fr-table__container") || table).getBoundingClientRect();
    const left = Math.max(0, box.left), right = Math.min(innerWidth, box.right);
    for (const column of columns) {
      const index = headers.indexOf(column);
      if (index < 0) continue;
      const cell = row.children[index].getBoundingClientRect();
      if (cell.width === 0 || cell.left < left - 1 || cell.right > right + 1) {
        hidden.push(`${column}: ${Math.round(cell.left)}–${Math.round(cell.right)}`);
      }
    }
  }
  return hidden;
}"""


@pytest.fixture(autouse=True)
def _reference_data():
    from django.apps import apps

    from assises.models import Assise
    from egts.models import Territory

    if not Territory.objects.exists():
        import_module("egts.migrations.0002_reference_data").load(apps, None)
    if Assise.objects.count() != Territory.objects.count():
        import_module("assises.migrations.0002_assises_for_territories").create_assises(apps, None)


@pytest.fixture
def sign_in(page, live_server):
    def do(user):
        page.context.clear_cookies()
        if user is None:
            return
        client = Client()
        client.force_login(user)
        page.context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )

    return do


@pytest.fixture
def pages():
    """(who, path, columns that must stay in view) for each page the audit found too wide."""
    practice = PracticeFactory(
        published=True,
        title="Coordination gérontologique d'un bassin de vie",
        organisation="Centre local d'information et de coordination du Grand Lyon",
    )
    questionnaire = QuestionnaireFactory(slug="recueil")
    question = QuestionFactory(
        questionnaire=questionnaire,
        label="Dans quel champ de l'action sociale intervenez-vous surtout ?",
        choices=[
            "Exclusion, pauvreté, accès aux droits, insertion sociale et professionnelle",
            "Protection de l'enfance et soutien aux familles les plus fragiles",
        ],
    )
    for _ in range(6):
        AnswerFactory(
            response=ResponseFactory(questionnaire=questionnaire),
            question=question,
            choice=question.choices.first(),
        )
    for index in range(3):
        ContributionFactory(
            title=f"Des temps de formation communs entre métiers du social, numéro {index}",
            flags=["email", "phone"],
        )
    hypothesis = HypothesisFactory()
    HypothesisReviewFactory(hypothesis=hypothesis, verdict="refined", refined_statement="Nuancée")
    lead = copil_member("grand-sud", role=Role.COPIL_LEAD)
    national = national_team_member()
    return [
        (None, f"/pratiques/{practice.pk}/", []),
        (None, "/pratiques/", []),
        (None, f"/questionnaires/{questionnaire.slug}/resultats/", []),
        (lead, "/espace/grand-sud/", ["En attente", "Publiés ou total"]),
        (lead, "/espace/grand-sud/moderation/", ["Titre", "Reçu le", "Signalements"]),
        (
            national,
            "/espace/",
            [
                "Contributions en attente",
                "Pratiques en attente",
                "Groupes de travail",
                "Propositions",
            ],
        ),
        (national, "/espace/hypotheses/matrice/", ["Hypothèse", "Grand Sud"]),
    ]


@pytest.mark.parametrize("width", [320, 1280])
def test_key_pages_neither_scroll_sideways_nor_hide_a_column_that_matters(
    page, sign_in, assert_accessible, pages, width
):
    page.set_viewport_size({"width": width, "height": 900})
    for user, path, columns in pages:
        sign_in(user)
        page.goto(path)
        page.wait_for_load_state("networkidle")
        overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
        assert overflow <= 0, f"{path} at {width} px scrolls sideways by {overflow} px"
        assert page.evaluate(HIDDEN_CELLS, columns) == [], f"{path} at {width} px"
        assert_accessible(page)


def test_national_dashboard_counts_stay_in_view_on_a_wide_screen(page, sign_in, pages):
    sign_in(national_team_member())
    page.set_viewport_size({"width": 1920, "height": 1000})
    page.goto("/espace/")
    counts = ["Contributions en attente", "Pratiques en attente", "Groupes de travail"]
    assert page.evaluate(HIDDEN_CELLS, [*counts, "Propositions"]) == []
    assert page.evaluate("document.documentElement.scrollWidth - innerWidth") <= 0


def test_each_row_checkbox_of_the_queue_sits_inside_its_row(page, sign_in):
    for index in range(3):
        ContributionFactory(title=f"Contribution en attente numéro {index}")
    sign_in(copil_member("grand-sud", role=Role.COPIL_LEAD))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/espace/grand-sud/moderation/")
    outside = page.evaluate(
        """() => [...document.querySelectorAll("tbody tr")].filter((row) => {
            const box = row.querySelector("input[type=checkbox]").getBoundingClientRect();
            const cell = row.getBoundingClientRect();
            return box.height === 0 || box.top < cell.top || box.bottom > cell.bottom;
        }).length"""
    )
    assert outside == 0
    # On a phone each item is a card whose box is labelled in plain sight.
    page.set_viewport_size({"width": 320, "height": 900})
    label = page.get_by_text("Sélectionner « Contribution en attente numéro 0 »")
    assert label.is_visible()
    label.click()
    assert page.get_by_role(
        "checkbox", name="Sélectionner « Contribution en attente numéro 0 »"
    ).is_checked()


@pytest.mark.parametrize("role", ["participant", "national"])
def test_signed_in_main_menu_keeps_to_one_line_at_1280_px(page, sign_in, assert_accessible, role):
    sign_in(UserFactory() if role == "participant" else national_team_member())
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/")
    heights = page.evaluate(
        """() => ({
            list: document.querySelector(".fr-nav__list").getBoundingClientRect().height,
            items: [...document.querySelectorAll(".fr-nav__list > .fr-nav__item")].map(
                (item) => item.getBoundingClientRect().height),
            tops: new Set([...document.querySelectorAll(".fr-nav__list > .fr-nav__item")].map(
                (item) => Math.round(item.getBoundingClientRect().top))).size,
        })"""
    )
    # One row of items, and no item taller than the one-word "Accueil".
    assert heights["tops"] == 1
    assert max(heights["items"]) == heights["items"][0]
    assert heights["list"] <= heights["items"][0] + 1
    tools = page.locator(".fr-header__tools-links")
    assert tools.get_by_role("link", name="Mes contributions").is_visible()
    assert_accessible(page)


def test_mobile_menu_is_a_named_dialog_with_the_account_links(page, sign_in, assert_accessible):
    sign_in(UserFactory())
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto("/")
    page.get_by_role("button", name="Menu").click()
    dialog = page.get_by_role("dialog", name="Menu")
    dialog.wait_for()
    assert dialog.get_by_role("link", name="Mes contributions").is_visible()
    assert dialog.get_by_role("navigation", name="Menu principal").is_visible()
    assert_accessible(page)
