"""Every back-office URL and API endpoint that takes an identifier, walked from the resolver.

Each one is requested by the COPIL lead of Grand Sud (the strongest territorial role) with
the identifier of an object of another territory (Sud-Ouest), or of a national object:
GET and POST must answer 403 or 404 (405 for the method a view does not take) and no row
may change. A control request by the object's owner proves that the identifier is real,
so a 404 means "refused", not "does not exist".

The URL list comes from the resolver: a new URL with an identifier fails
``test_every_url_with_an_identifier_is_covered`` until it is given an object below.
"""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.core import serializers
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from assises import api_urls
from assises.models import MeetingDocument, TerritorialReport
from egts.models import Membership, Role
from tests.factories.assises import (
    HypothesisFactory,
    MeetingFactory,
    ProposalFactory,
    SynthesisFactory,
    WorkingGroupFactory,
    territory,
)
from tests.factories.egts import copil_member, national_team_member

pytestmark = pytest.mark.django_db

OTHER = "sud-ouest"

# name → kwargs built from the objects of the ``world`` fixture, and who owns them.
# "territory": the other territory's COPIL lead; "national": the national team.
BACK_OFFICE = {
    "hypothesis-edit": (lambda w: {"pk": w["hypothesis"].pk}, "national"),
    "synthesis-detail": (lambda w: {"pk": w["synthesis"].pk}, "national"),
    "synthesis-status": (lambda w: {"pk": w["synthesis"].pk}, "national"),
    "synthesis-retry": (lambda w: {"pk": w["synthesis"].pk}, "national"),
    "synthesis-publish": (lambda w: {"pk": w["synthesis"].pk}, "national"),
    "synthesis-pdf": (lambda w: {"pk": w["synthesis"].pk}, "national"),
    "synthesis-html": (lambda w: {"pk": w["synthesis"].pk}, "national"),
    "synthesis-topics-csv": (lambda w: {"pk": w["synthesis"].pk}, "national"),
    "group-detail": (lambda w: {"pk": w["group"].pk}, "territory"),
    "group-edit": (lambda w: {"pk": w["group"].pk}, "territory"),
    "participant-add": (lambda w: {"pk": w["group"].pk}, "territory"),
    "meeting-create": (lambda w: {"pk": w["group"].pk}, "territory"),
    "group-proposal-create": (lambda w: {"pk": w["group"].pk}, "territory"),
    "meeting-detail": (lambda w: {"pk": w["meeting"].pk}, "territory"),
    "meeting-edit": (lambda w: {"pk": w["meeting"].pk}, "territory"),
    "meeting-document": (lambda w: {"pk": w["document"].pk}, "territory"),
    "proposal-detail": (lambda w: {"pk": w["proposal"].pk}, "territory"),
    "proposal-edit": (lambda w: {"pk": w["proposal"].pk}, "territory"),
    "proposal-validate": (lambda w: {"pk": w["proposal"].pk}, "territory"),
    "proposal-move": (lambda w: {"pk": w["proposal"].pk}, "territory"),
    "proposal-rank": (lambda w: {"pk": w["proposal"].pk}, "territory"),
    "member-remove": (lambda w: {"slug": OTHER, "pk": w["membership"].pk}, "territory"),
    "review-edit": (lambda w: {"slug": OTHER, "pk": w["hypothesis"].pk}, "territory"),
    "report-version-pdf": (lambda w: {"slug": OTHER, "version": w["report"].version}, "territory"),
    "report-version-topics-csv": (
        lambda w: {"slug": OTHER, "version": w["report"].version},
        "territory",
    ),
}
# One identifier of ours with one of theirs: the view must check that they belong together.
MIXED = {
    "member-remove": lambda w: {"slug": "grand-sud", "pk": w["membership"].pk},
}
# URLs whose identifier is not an object of a territory.
NOT_TERRITORIAL = {
    # A secret token sent by e-mail to one address: tests/assises/test_workspace.py checks
    # that it is single-use, expires and refuses another account.
    "invitation-accept",
}

API = {
    "api-working-group-list": (lambda w: {"slug": OTHER}, "territory"),
    "api-hypothesis-review-list": (lambda w: {"slug": OTHER}, "territory"),
    "api-proposal-list": (lambda w: {"slug": OTHER}, "territory"),
    "api-proposal-validate": (lambda w: {"pk": w["proposal"].pk}, "territory"),
    "api-synthesis-detail": (lambda w: {"pk": w["synthesis"].pk}, "national"),
    "api-synthesis-pdf": (lambda w: {"pk": w["synthesis"].pk}, "national"),
    "api-synthesis-publish": (lambda w: {"pk": w["synthesis"].pk}, "national"),
    "api-synthesis-retry": (lambda w: {"pk": w["synthesis"].pk}, "national"),
}
API_NOT_TERRITORIAL = {
    # ``kind`` names a table, not an object; the rows are scoped to the caller's territories
    # (tests/assises/test_synthesis_api.py checks the scopes).
    "api-export",
}


def _patterns(patterns, namespace: str | None = None, in_namespace: bool = False):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inside = in_namespace or (namespace is not None and entry.namespace == namespace)
            yield from _patterns(entry.url_patterns, namespace, inside)
        elif isinstance(entry, URLPattern) and (in_namespace or namespace is None):
            yield entry


def back_office_names_with_identifiers() -> set[str]:
    return {
        pattern.name
        for pattern in _patterns(get_resolver().url_patterns, namespace="assises")
        if pattern.pattern.converters
    }


def api_names_with_identifiers() -> set[str]:
    return {
        pattern.name for pattern in _patterns(api_urls.urlpatterns) if pattern.pattern.converters
    }


def test_every_url_with_an_identifier_is_covered():
    names = back_office_names_with_identifiers()
    # Pages that take only the territory's slug are all checked with the other slug.
    slug_only = {name for name in names if _slug_only(name)}
    assert names - set(BACK_OFFICE) - NOT_TERRITORIAL - slug_only == set()
    assert set(BACK_OFFICE) - names == set()
    api_names = api_names_with_identifiers()
    assert api_names - set(API) - API_NOT_TERRITORIAL == set()
    assert set(API) - api_names == set()


def _slug_only(name: str) -> bool:
    for pattern in _patterns(get_resolver().url_patterns, namespace="assises"):
        if pattern.name == name:
            return set(pattern.pattern.converters) == {"slug"}
    return False


@pytest.fixture
def world():
    other = territory(OTHER)
    owner = copil_member(OTHER, role=Role.COPIL_LEAD)
    member = copil_member(OTHER, role=Role.COPIL_MEMBER)
    group = WorkingGroupFactory(territory=other, facilitator=owner)
    meeting = MeetingFactory(group=group)
    document = MeetingDocument.objects.create(
        meeting=meeting, file=ContentFile(b"%PDF-1.4 test", name="cr.pdf"), name="cr.pdf"
    )
    report = TerritorialReport.objects.create(
        territory=other,
        version=1,
        content={},
        pdf=ContentFile(b"%PDF-1.4 test", name="rapport.pdf"),
        validated_by=owner,
        submitted_at=datetime.datetime(2014, 4, 1, tzinfo=datetime.UTC),
    )
    return {
        "intruder": copil_member("grand-sud", role=Role.COPIL_LEAD),
        "territory": owner,
        "national": national_team_member(),
        "group": group,
        "meeting": meeting,
        "document": document,
        "proposal": ProposalFactory(territory=other),
        "membership": Membership.objects.get(user=member),
        "hypothesis": HypothesisFactory(),
        "synthesis": SynthesisFactory(done=True),
        "report": report,
    }


WATCHED_APPS = ("contributions", "practices", "assises")
# The reference data (regions, departments, themes…) is not written by the back-office.
WATCHED_EGTS_MODELS = ("User", "Membership", "ModerationDecision", "Territory")


def snapshot() -> str:
    """Every row the back-office can write, so a test can assert that nothing changed."""
    models = [apps.get_model("egts", name) for name in WATCHED_EGTS_MODELS]
    for label in WATCHED_APPS:
        models += apps.get_app_config(label).get_models()
    return "\n".join(
        serializers.serialize("json", model.objects.order_by("pk")) for model in models
    )


def _signed_in(user, *, api: bool = False):
    client = APIClient() if api else Client()
    client.force_login(user)
    return client


def _check(world, name: str, url: str, owner_kind: str, *, api: bool = False):
    intruder = _signed_in(world["intruder"], api=api)
    before = snapshot()
    get, post = intruder.get(url), intruder.post(url, {})
    assert get.status_code in (403, 404, 405), (name, "GET", get.status_code)
    assert post.status_code in (403, 404, 405), (name, "POST", post.status_code)
    assert {get.status_code, post.status_code} & {403, 404}, (name, "never refused")
    assert snapshot() == before, f"{name}: a refused request changed data"
    # Control: the owner reaches the same identifier (GET only: it changes nothing).
    control = _signed_in(world[owner_kind], api=api).get(url)
    assert control.status_code != 404 or get.status_code == 405, (name, "identifier unknown")


@pytest.mark.parametrize("name", sorted(BACK_OFFICE))
def test_back_office_url_with_another_territorys_identifier_is_refused(world, name):
    kwargs, owner_kind = BACK_OFFICE[name]
    _check(world, name, reverse(f"assises:{name}", kwargs=kwargs(world)), owner_kind)


@pytest.mark.parametrize("name", sorted(MIXED))
def test_our_territory_with_their_identifier_is_refused(world, name):
    _check(world, name, reverse(f"assises:{name}", kwargs=MIXED[name](world)), "territory")


@pytest.mark.parametrize(
    "name", sorted(n for n in back_office_names_with_identifiers() if _slug_only(n))
)
def test_other_territory_pages_are_refused(world, name):
    _check(world, name, reverse(f"assises:{name}", kwargs={"slug": OTHER}), "territory")


@pytest.mark.parametrize("name", sorted(API))
def test_api_endpoint_with_another_territorys_identifier_is_refused(world, name):
    kwargs, owner_kind = API[name]
    _check(world, name, reverse(name, kwargs=kwargs(world)), owner_kind, api=True)
