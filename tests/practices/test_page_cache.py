"""A published practice's page is cached on its own for anonymous visitors: other publications
leave it alone, every change of that practice drops it, and it is rendered before its first
visitor (on publication, and by `warm_public_pages` after a deploy)."""

import logging
import re
from io import StringIO
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from kombu.exceptions import OperationalError

from egts.cache import bump_public_pages
from egts.moderation import Decision, ModerationStatus
from practices import services
from practices.models import Practice
from tests.factories.egts import UserFactory, national_team_member
from tests.factories.practices import PDF_BYTES, PracticeFactory

pytestmark = pytest.mark.django_db

NONCE = re.compile(r"'nonce-([A-Za-z0-9+/=]+)'")


def _url(practice) -> str:
    return reverse("practices:detail", args=[practice.pk])


@pytest.fixture
def moderator():
    return national_team_member()


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _assert_served_from_cache(client, practice, django_assert_num_queries, *, text: str = ""):
    with django_assert_num_queries(0):
        response = client.get(_url(practice))
    assert response.status_code == 200
    assert response["X-Cache"] == "hit"
    if text:
        assert text in response.content.decode()
    return response


def test_other_publications_leave_a_cached_practice_page_in_place(
    client, django_assert_num_queries
):
    practice = PracticeFactory(published=True, title="Un café des parents")
    first = client.get(_url(practice))
    assert first["X-Cache"] == "miss"

    # What a contribution's moderation does, all day long.
    bump_public_pages()

    second = _assert_served_from_cache(client, practice, django_assert_num_queries)
    assert second.content == first.content


def test_the_practice_page_lives_for_its_own_setting(client, settings):
    practice = PracticeFactory(published=True)
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    client.get(_url(practice))
    assert client.get(_url(practice))["X-Cache"] == "hit"

    settings.PRACTICE_PAGE_CACHE_SECONDS = 0
    assert "X-Cache" not in client.get(_url(practice))


def test_publishing_renders_the_page_before_its_first_visitor(
    client, moderator, on_commit, django_assert_num_queries
):
    practice = PracticeFactory(title="Un café des parents")
    with on_commit():
        services.practice_moderate(practice=practice, moderator=moderator, decision="publish")

    _assert_served_from_cache(
        client, practice, django_assert_num_queries, text="Un café des parents"
    )


def test_a_bulk_publication_renders_every_page(
    client, moderator, on_commit, django_assert_num_queries
):
    practices = PracticeFactory.create_batch(3)
    with on_commit():
        services.practices_bulk_moderate(
            practices=practices, moderator=moderator, decision="publish"
        )

    for practice in practices:
        _assert_served_from_cache(client, practice, django_assert_num_queries)


def test_curation_of_the_text_and_tags_shows_at_once(
    client, moderator, on_commit, django_assert_num_queries
):
    practice = PracticeFactory(published=True, title="Un café des parents")
    client.get(_url(practice))
    with on_commit():
        services.practice_curate(
            practice=practice,
            moderator=moderator,
            published_fields={"title": "Le café des parents du quartier"},
            tags=["Parentalité"],
        )

    response = _assert_served_from_cache(
        client, practice, django_assert_num_queries, text="Le café des parents du quartier"
    )
    assert "Parentalité" in response.content.decode()


def test_featuring_shows_at_once(client, moderator, on_commit, django_assert_num_queries):
    practice = PracticeFactory(published=True)
    assert "Mise en avant" not in client.get(_url(practice)).content.decode()
    with on_commit():
        services.practice_feature(practice=practice, user=moderator, featured=True)

    _assert_served_from_cache(client, practice, django_assert_num_queries, text="Mise en avant")


def test_unpublishing_removes_the_page_and_publishing_again_brings_it_back(
    client, moderator, on_commit, django_assert_num_queries
):
    practice = PracticeFactory(published=True)
    client.get(_url(practice))
    with on_commit():
        services.practice_moderate(
            practice=practice, moderator=moderator, decision=Decision.REJECT, reason="off_topic"
        )
    assert client.get(_url(practice)).status_code == 404

    with on_commit():
        services.practice_moderate(practice=practice, moderator=moderator, decision="publish")
    _assert_served_from_cache(client, practice, django_assert_num_queries)


def test_a_practice_sent_back_for_changes_is_not_served_from_an_old_page(
    client, moderator, on_commit
):
    practice = PracticeFactory(published=True)
    client.get(_url(practice))
    # The state machine has no way from published to "changes requested" today; a row put
    # there another way (admin, data fix) must not keep its public page.
    Practice.objects.filter(pk=practice.pk).update(status=ModerationStatus.PENDING)
    practice.refresh_from_db()
    with on_commit():
        services.practice_moderate(
            practice=practice,
            moderator=moderator,
            decision=Decision.REQUEST_CHANGES,
            message="Précisez les résultats.",
        )
    assert client.get(_url(practice)).status_code == 404


def test_attachment_changes_show_at_once(client, on_commit, monkeypatch, django_assert_num_queries):
    practice = PracticeFactory(published=True)
    client.get(_url(practice))
    # Authors cannot edit a published practice today; the page must follow any file change.
    monkeypatch.setattr(services.attachments, "_check_author", lambda **kwargs: None)
    upload = SimpleUploadedFile("bilan.pdf", PDF_BYTES, content_type="application/pdf")
    with on_commit():
        attachment = services.practice_attach(
            practice=practice, author=practice.author, uploaded=upload
        )
    _assert_served_from_cache(client, practice, django_assert_num_queries, text="bilan.pdf")

    with on_commit():
        services.practice_detach(practice=practice, author=practice.author, attachment=attachment)
    response = _assert_served_from_cache(client, practice, django_assert_num_queries)
    assert "bilan.pdf" not in response.content.decode()


def test_a_deleted_practice_page_goes(client, on_commit):
    practice = PracticeFactory(published=True)
    client.get(_url(practice))
    with on_commit():
        services.delete_with_files(Practice.objects.filter(pk=practice.pk))

    assert client.get(_url(practice)).status_code == 404


def test_publishing_succeeds_when_the_broker_is_down(client, moderator, on_commit, caplog):
    practice = PracticeFactory(title="Un café des parents")
    with (
        mock.patch(
            "practices.tasks.warm_practice_pages_task.apply_async",
            side_effect=OperationalError("Error 111 connecting to redis:6379"),
        ) as enqueue,
        caplog.at_level(logging.WARNING, logger="practices.pages"),
        on_commit(),
    ):
        services.practice_moderate(practice=practice, moderator=moderator, decision="publish")

    enqueue.assert_called_once()
    assert "broker unreachable" in caplog.text
    practice.refresh_from_db()
    assert practice.status == ModerationStatus.PUBLISHED
    # Its first visitor renders the page instead.
    response = client.get(_url(practice))
    assert response["X-Cache"] == "miss"
    assert "Un café des parents" in response.content.decode()


def test_signed_in_visitors_never_get_the_cached_page(client, moderator, on_commit):
    practice = PracticeFactory()
    with on_commit():
        services.practice_moderate(practice=practice, moderator=moderator, decision="publish")

    for user in (UserFactory(), moderator):
        client.force_login(user)
        response = client.get(_url(practice))
        assert response.status_code == 200
        assert "X-Cache" not in response
    assert reverse("practices:moderate", args=[practice.pk]) in response.content.decode()


def test_a_rendered_page_names_in_its_header_the_nonce_its_html_carries(
    client, moderator, on_commit
):
    practice = PracticeFactory()
    with on_commit():
        services.practice_moderate(practice=practice, moderator=moderator, decision="publish")

    hit = client.get(_url(practice))
    assert hit["X-Cache"] == "hit"
    nonce = NONCE.search(hit["Content-Security-Policy"]).group(1)
    assert f'nonce="{nonce}"' in hit.content.decode()
    assert hit["Content-Type"] == "text/html; charset=utf-8"


def test_warm_public_pages_renders_every_published_page_and_skips_the_others(
    client, django_assert_num_queries
):
    published = PracticeFactory.create_batch(3, published=True)
    pending, draft = PracticeFactory(), PracticeFactory(draft=True)
    out = StringIO()

    call_command("warm_public_pages", "--batch-size", "2", stdout=out)

    assert "3 published practice pages cached." in out.getvalue()
    for practice in published:
        _assert_served_from_cache(client, practice, django_assert_num_queries)
    for practice in (pending, draft):
        assert client.get(_url(practice)).status_code == 404


def test_warm_public_pages_replaces_the_pages_of_an_earlier_release(client):
    practice = PracticeFactory(published=True, title="Un café des parents")
    client.get(_url(practice))
    # A change the cache was not told about, as a new release's templates or data would be.
    Practice.objects.filter(pk=practice.pk).update(title="Le café des parents du quartier")

    call_command("warm_public_pages", stdout=StringIO())

    response = client.get(_url(practice))
    assert response["X-Cache"] == "hit"
    assert "Le café des parents du quartier" in response.content.decode()


def test_a_broker_found_down_is_not_even_tried(moderator, on_commit):
    practice = PracticeFactory()
    with (
        mock.patch("practices.pages.check_broker", return_value="down"),
        mock.patch("practices.tasks.warm_practice_pages_task.apply_async") as enqueue,
        on_commit(),
    ):
        services.practice_moderate(practice=practice, moderator=moderator, decision="publish")

    enqueue.assert_not_called()
    practice.refresh_from_db()
    assert practice.status == ModerationStatus.PUBLISHED
