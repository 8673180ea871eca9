"""Anonymous public lists and details are served from the page cache, with zero SQL queries,
and go stale as soon as what they show changes."""

import pytest
from django.test import Client
from django.urls import reverse

from contributions.services import contribution_moderate
from egts.moderation import ModerationStatus
from practices.services import practice_feature
from tests.factories.contributions import ContributionFactory
from tests.factories.egts import national_team_member
from tests.factories.practices import PracticeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    return {
        "contribution": ContributionFactory(published=True, title="Plus de temps pour écouter"),
        "practice": PracticeFactory(published=True, title="Un café des parents"),
    }


def _urls(published) -> list[str]:
    return [
        reverse("contributions:list"),
        reverse("contributions:list") + "?q=temps&theme=T1",
        reverse("contributions:detail", args=[published["contribution"].pk]),
        reverse("practices:catalogue"),
        reverse("practices:catalogue") + "?q=parents",
        reverse("practices:detail", args=[published["practice"].pk]),
    ]


def test_anonymous_public_lists_and_details_are_served_without_sql(
    client, published, django_assert_num_queries
):
    for url in _urls(published):
        first = client.get(url)
        assert first.status_code == 200, url
        assert first["X-Cache"] == "miss", url
        with django_assert_num_queries(0):
            second = client.get(url)
        assert second["X-Cache"] == "hit", url
        assert second.content == first.content


@pytest.fixture
def redis_commands(monkeypatch):
    """The page cache on the real Redis (REDIS_URL, keys of its own); yields the list of
    the Redis commands sent once ``count()`` is called."""
    import os
    import uuid

    from redis import Redis

    from egts import cache as page_cache
    from egts.cache_backends import ResilientRedisCache

    prefix = f"egts-test-round-trip-{uuid.uuid4().hex[:8]}"
    redis_cache = ResilientRedisCache(
        os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"), {"KEY_PREFIX": prefix}
    )
    monkeypatch.setattr(page_cache, "cache", redis_cache)
    commands = []
    execute = Redis.execute_command

    def counted(self, *args, **options):
        commands.append(args[0])
        return execute(self, *args, **options)

    def count():
        monkeypatch.setattr(Redis, "execute_command", counted)
        return commands

    yield count
    monkeypatch.setattr(Redis, "execute_command", execute)
    raw = redis_cache._cache.get_client(write=True)
    for key in raw.scan_iter(f"{prefix}:*"):
        raw.delete(key)


def test_a_cached_page_costs_one_round_trip_to_redis(client, published, settings, redis_commands):
    """The version and the page are read together (one MGET): under load each round trip to
    Redis waits its turn for a core, and the second one used to cost as much as the page."""
    settings.PUBLIC_PAGE_LOCAL_SECONDS = 0
    for url in _urls(published):
        assert client.get(url)["X-Cache"] == "miss", url
    commands = redis_commands()
    for url in _urls(published):
        commands.clear()
        assert client.get(url)["X-Cache"] == "hit", url
        assert commands == ["MGET"], (url, commands)


def test_a_page_this_process_just_served_costs_no_round_trip(
    client, published, settings, redis_commands, monkeypatch
):
    from egts import cache as page_cache

    settings.PUBLIC_PAGE_LOCAL_SECONDS = 1
    # The clock stands still: on a loaded machine (CI) serving every page took longer than
    # the local second, and the last pages asked Redis again (MGET), as they should then.
    now = page_cache._now()
    monkeypatch.setattr(page_cache, "_now", lambda: now)
    first = {url: client.get(url).content for url in _urls(published)}
    commands = redis_commands()
    for url in _urls(published):
        response = client.get(url)
        assert response["X-Cache"] == "hit", url
        assert response.content == first[url]
    assert commands == []


def test_another_process_change_shows_once_the_local_second_is_over(
    client, published, settings, monkeypatch
):
    from django.core.cache import cache

    from egts import cache as page_cache

    settings.PUBLIC_PAGE_LOCAL_SECONDS = 1
    url = reverse("contributions:list")
    assert client.get(url)["X-Cache"] == "miss"
    # Another web process publishes: the shared tag token goes, this process is not told.
    cache.delete(page_cache._tag_key(page_cache.SITE_TAG))
    assert client.get(url)["X-Cache"] == "hit"
    now = page_cache._now()
    monkeypatch.setattr(page_cache, "_now", lambda: now + 1.5)
    assert client.get(url)["X-Cache"] == "miss"


def test_a_page_rendered_while_this_process_publishes_is_not_kept_in_its_memory(rf, settings):
    """Another thread of the same process publishes while the page renders: the page was
    made from the old data, so the process must not go on serving it from memory."""
    from django.http import HttpResponse

    from egts.cache import bump_public_pages, public_page

    settings.PUBLIC_PAGE_LOCAL_SECONDS = 1
    renders = []

    @public_page()
    def view(request):
        renders.append(1)
        if len(renders) == 1:
            bump_public_pages()  # the publication commits during this first render
        return HttpResponse(f"version {len(renders)}")

    assert view(rf.get("/une-page/"))["X-Cache"] == "miss"
    second = view(rf.get("/une-page/"))
    assert second["X-Cache"] == "miss"
    assert second.content == b"version 2"
    assert view(rf.get("/une-page/"))["X-Cache"] == "hit"


def test_signed_in_visitors_are_never_served_a_shared_page(client, published):
    anonymous = Client()
    for url in _urls(published):
        anonymous.get(url)
    client.force_login(national_team_member())
    for url in _urls(published):
        response = client.get(url)
        assert response.status_code == 200
        assert "X-Cache" not in response, url


def test_publishing_a_contribution_makes_the_cached_list_stale(
    client, published, django_capture_on_commit_callbacks
):
    pending = ContributionFactory(title="Des locaux pour recevoir les familles")
    url = reverse("contributions:list")
    assert "Des locaux pour recevoir" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        contribution_moderate(
            contribution=pending,
            moderator=national_team_member(),
            decision="publish",
            reason="",
            message="",
        )
    pending.refresh_from_db()
    assert pending.status == ModerationStatus.PUBLISHED
    response = client.get(url)
    assert response["X-Cache"] == "miss"
    assert "Des locaux pour recevoir" in response.content.decode()


def test_featuring_a_practice_makes_the_cached_catalogue_stale(
    client, published, django_capture_on_commit_callbacks
):
    url = reverse("practices:catalogue") + "?featured=on"
    assert "Un café des parents" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        practice_feature(practice=published["practice"], user=national_team_member(), featured=True)
    response = client.get(url)
    assert response["X-Cache"] == "miss"
    assert "Un café des parents" in response.content.decode()


def test_publishing_a_contribution_expires_only_the_pages_that_can_show_it(
    client, published, django_capture_on_commit_callbacks
):
    """Nine COPILs publish all day: the other lists, the home page and the static pages stay
    cached; the lists the contribution appears in, its searches and its page do not."""
    from egts.models import Theme

    pending = ContributionFactory(title="Des locaux pour recevoir les familles")
    theme = pending.themes.get()
    other_theme = Theme.objects.exclude(pk=theme.pk).first()
    other_kind = next(k for k in ("expectation", "observation", "proposal") if k != pending.kind)
    lists = reverse("contributions:list")
    stale = [
        lists,
        f"{lists}?territory={pending.territory.slug}",
        f"{lists}?theme={theme.pk}",
        f"{lists}?theme={theme.pk}&kind={pending.kind}",
        f"{lists}?territory=atlantide",  # an unknown filter shows the whole list
        f"{lists}?q=locaux",
        f"{lists}?page=2",
        reverse("contributions:detail", args=[pending.pk]),
    ]
    kept = [
        reverse("home"),
        reverse("footer-legal-notice"),
        f"{lists}?territory=sud-ouest",
        f"{lists}?theme={other_theme.pk}",
        f"{lists}?kind={other_kind}",
        reverse("practices:catalogue"),
    ]
    for url in stale + kept:
        client.get(url)
    for url in kept:
        assert client.get(url)["X-Cache"] == "hit", url
    with django_capture_on_commit_callbacks(execute=True):
        contribution_moderate(
            contribution=pending,
            moderator=national_team_member(),
            decision="publish",
            reason="",
            message="",
        )
    for url in kept:
        assert client.get(url)["X-Cache"] == "hit", url
    for url in stale:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["X-Cache"] == "miss", url
    assert "Des locaux pour recevoir" in client.get(lists).content.decode()
