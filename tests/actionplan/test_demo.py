"""seed_demo shows an action plan and a few documents, and adds nothing the second time."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for label in ("actionplan", "documents")
        for model in apps.get_app_config(label).get_models()
    }


def test_seed_demo_fills_the_plan_and_the_documentation_once(client, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    first = _counts()
    call_command("seed_demo", stdout=io.StringIO())

    assert _counts() == first
    assert first["actionplan.Axis"] == 3
    assert first["actionplan.Measure"] == 2
    assert first["actionplan.LocalAction"] == 1
    assert first["documents.Document"] == 3
    html = client.get(reverse("actionplan:plan")).content.decode()
    assert "Créer un socle commun aux formations du travail social" in html
    assert client.get(reverse("documents:list")).context["page_obj"].paginator.count == 2


def test_demo_participant_sees_what_became_of_a_contribution(client, settings):
    from egts.models import User

    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    client.force_login(User.objects.get(email="participant@egts.example"))

    html = client.get(reverse("participant-space")).content.decode()

    assert "Créer un socle commun aux formations du travail social" in html
