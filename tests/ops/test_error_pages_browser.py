"""The error pages in Chromium, with DEBUG off: axe-core finds no WCAG 2.1 AA violation
and the Content-Security-Policy blocks nothing on them."""

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.urls("tests.ops.error_urls"),
]


@pytest.fixture(autouse=True)
def _reference_data():
    from importlib import import_module

    from django.apps import apps

    from egts.models import Territory

    if not Territory.objects.exists():
        import_module("egts.migrations.0002_reference_data").load(apps, None)


@pytest.mark.parametrize(
    ("path", "status", "heading"),
    [
        ("/page-inexistante/", 404, "Page non trouvée"),
        ("/_test/rate-limited/", 429, "Trop de demandes"),
        ("/_test/boom/", 500, "Erreur inattendue"),
        ("/_test/database-down/", 503, "Service momentanément indisponible"),
    ],
)
def test_error_page_is_accessible_and_clean_under_the_csp(
    page, assert_accessible, path, status, heading
):
    reports = []
    page.on(
        "console",
        lambda message: (
            reports.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    response = page.goto(path)

    assert response.status == status
    assert page.locator("h1").inner_text().strip() == heading
    assert page.title().endswith("États généraux du travail social")
    assert reports == []
    assert_accessible(page)
