"""A long paste in a contribution: the limit is stated, counted as one types, and a text
over it is refused with a message on the field, nothing cut, nothing lost."""

import importlib
import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from contributions.models import Contribution
from tests.factories.egts import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PASTED = "Une phrase de vingt-huit car. " * 3_400  # about 100,000 characters


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    from django.apps import apps

    from egts.models import Department

    if not Department.objects.exists():
        importlib.import_module("egts.migrations.0002_reference_data").load(apps, None)


@pytest.fixture
def contribution_form(page, live_server):
    client = Client()
    client.force_login(UserFactory())
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto("/contributions/contribuer/")
    return page


def test_the_counter_follows_the_typing_and_speaks_once_it_pauses(
    contribution_form, assert_accessible
):
    page = contribution_form
    body = page.get_by_label("Votre texte")
    # The limit is part of the field's description, which a screen reader reads with it.
    expect(body).to_have_accessible_description(re.compile("10\u00a0000 caractères au maximum"))
    count = page.locator(".egts-length-count")
    live = page.locator("#id_body-limit [aria-live=polite]")

    body.press_sequentially("Bonjour")

    expect(count).to_have_text("Il vous reste 9\u202f993 caractères.")
    expect(count).to_have_attribute("aria-hidden", "true")
    expect(live).to_have_text("Il vous reste 9\u202f993 caractères.")
    assert_accessible(page)


def test_a_long_paste_is_kept_whole_counted_over_and_refused_on_the_field(
    contribution_form, assert_accessible
):
    page = contribution_form
    body = page.get_by_label("Votre texte")
    page.get_by_label("Proposition").check(force=True)
    page.get_by_label("Titre").fill("Un référent unique pour chaque famille")
    page.get_by_label("Place des usagers").check(force=True)
    page.get_by_label("Département").select_option("13")

    body.fill(PASTED)

    assert body.evaluate("field => field.value.length") == len(PASTED)
    count = page.locator(".egts-length-count")
    expect(count).to_have_text("92\u202f000 caractères de trop : raccourcissez votre texte.")
    expect(count).to_have_class("fr-message egts-length-count fr-message--error")

    page.get_by_role("button", name="Envoyer ma contribution").click()

    error = page.locator("#id_body-desc-error")
    expect(error).to_contain_text("au plus 10000 caractères")
    assert body.input_value() == PASTED
    expect(body).to_have_attribute("aria-invalid", "true")
    assert Contribution.objects.count() == 0
    assert_accessible(page)
