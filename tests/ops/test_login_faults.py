"""Signing in on the production stack: behind a real reverse proxy, and with Redis stopped.

gunicorn runs with production settings against a private PostgreSQL and a private Redis
(Redis is the cache, where allauth keeps its rate limits), with ``PROXY_COUNT=1`` and a
real proxy process in front (tests/fixtures/proxy.py). Visitors reach the proxy from
different loopback addresses, so each is a different client for the platform.
"""

import json

import pytest
import redis as redis_client

from tests.fixtures.proxy import ReverseProxy, Visitor
from tests.fixtures.services import AppServer, PrivatePostgres, PrivateRedis, free_port

# Under pytest-xdist the whole module goes to one process (WHOLE_MODULES in tests/conftest.py).
pytestmark = pytest.mark.faults

PASSWORD = "Une-phrase-secrete-2014"
NEW_PASSWORD = "Une-autre-phrase-2015"
ACCOUNTS = ("panne", "cible", "victime", "grand-sud", "voisin")

CREATE_ACCOUNTS = """
from tests.factories.egts import UserFactory
for name in {accounts!r}:
    UserFactory(email=f"{{name}}@exemple.fr", password={password!r})
"""


@pytest.fixture(scope="module")
def stack(tmp_path_factory, collected_static):
    workdir = tmp_path_factory.mktemp("login-faults")
    postgres, redis = PrivatePostgres(workdir), PrivateRedis(workdir)
    postgres.start()
    redis.start()
    app = AppServer(
        workdir,
        database_url=postgres.url,
        redis_url=redis.url,
        static_root=collected_static,
        extra_env={"CACHE_URL": f"rediscache://127.0.0.1:{redis.port}/1", "PROXY_COUNT": "1"},
    )
    app.manage("migrate", "--noinput", "-v0")
    app.manage("shell", "-c", CREATE_ACCOUNTS.format(accounts=ACCOUNTS, password=PASSWORD))
    app.start()
    proxy = ReverseProxy(free_port(), app.port)
    proxy.start()
    yield {"app": app, "proxy": proxy, "postgres": postgres, "redis": redis}
    proxy.stop()
    app.stop()
    redis.stop()
    postgres.remove()


def visitor(stack, number: int) -> Visitor:
    return Visitor(stack["proxy"].url, f"127.0.0.{number}")


def login(who: Visitor, email: str, password: str, headers: dict | None = None):
    return who.post_form("/compte/login/", {"login": email, "password": password}, headers)


def query(app, code: str):
    """A JSON value computed by the ORM in a process of its own (the platform's database)."""
    out = app.workdir / "query.json"
    app.manage("shell", "-c", f"import json; open({str(out)!r}, 'w').write(json.dumps({code}))")
    return json.loads(out.read_text())


def signed_in(who: Visitor) -> bool:
    status, page, _ = who.get("/compte/profil/")
    return status == 200 and 'name="display_name"' in page


def test_redis_down_login_signup_and_password_reset_still_work(stack):
    redis = stack["redis"]
    redis.stop()
    try:
        who = visitor(stack, 10)
        status, page, _ = who.get("/compte/login/")
        assert status == 200 and "fr-header" in page
        status, page, headers = login(who, "panne@exemple.fr", PASSWORD)
        assert status == 302, page[:300]
        assert signed_in(who)

        newcomer = visitor(stack, 11)
        status, page, headers = newcomer.post_form(
            "/compte/signup/",
            {"email": "nouvelle@exemple.fr", "password1": PASSWORD, "password2": PASSWORD},
        )
        assert status == 302, page[:300]
        assert "/compte/confirm-email/" in headers["Location"]

        status, page, headers = visitor(stack, 12).post_form(
            "/compte/password/reset/", {"email": "panne@exemple.fr"}
        )
        assert status == 302, page[:300]
        assert "/compte/password/reset/done/" in headers["Location"]
    finally:
        redis.start()
    assert (
        query(
            stack["app"],
            "__import__('egts.models').models.User.objects.filter("
            "email='nouvelle@exemple.fr').count()",
        )
        == 1
    )


def test_redis_down_brute_force_is_still_locked_out_by_axes(stack):
    redis = stack["redis"]
    redis.stop()
    try:
        attacker = visitor(stack, 20)
        statuses = [login(attacker, "cible@exemple.fr", "mauvais")[0] for _ in range(5)]
        assert statuses == [200, 200, 200, 200, 429]
        # The right password too is refused now: the lockout is in PostgreSQL, not in Redis.
        status, page, _ = login(attacker, "cible@exemple.fr", PASSWORD)
        assert status == 429
        assert "fr-header" in page
        assert "Trop de tentatives de connexion" in page
        assert "bloquée pendant 30 minutes" in page
        assert not signed_in(attacker)
    finally:
        redis.start()


def test_behind_the_proxy_forged_addresses_do_not_lock_out_another_visitor(stack):
    """The audit's attack: failed logins with made-up e-mails and a new X-Forwarded-For
    each time. Only the attacker's real address is limited; another visitor signs in."""
    attacker, colleague = visitor(stack, 30), visitor(stack, 31)
    for number in range(11):
        login(
            attacker,
            f"inconnu{number}@exemple.fr",
            "mauvais",
            headers={"X-Forwarded-For": f"198.51.100.{number}"},
        )
    status, page, _ = login(
        attacker, "inconnu99@exemple.fr", "mauvais", {"X-Forwarded-For": "192.0.2.1"}
    )
    assert "Trop de tentatives de connexion infructueuses" in page

    status, page, _ = login(colleague, "grand-sud@exemple.fr", PASSWORD)
    assert status == 302, page[:300]
    assert "Trop de tentatives" not in page
    assert signed_in(colleague)


def test_behind_the_proxy_axes_counts_the_real_client_not_the_proxy_or_the_forged_one(stack):
    attacker, owner = visitor(stack, 40), visitor(stack, 41)
    statuses = [
        login(attacker, "victime@exemple.fr", "mauvais", {"X-Forwarded-For": f"10.9.9.{n}"})[0]
        for n in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]
    addresses = query(
        stack["app"],
        "sorted({str(ip) for ip in __import__('axes.models').models.AccessAttempt.objects"
        ".filter(username='victime@exemple.fr').values_list('ip_address', flat=True)})",
    )
    assert addresses == ["127.0.0.40"]
    # allauth's short per-e-mail limit (any address) aside, as the unit tests do: what is
    # left is axes, which locked the attacker's address only.
    redis_client.Redis(port=stack["redis"].port, db=1).flushdb()
    status, page, _ = login(owner, "victime@exemple.fr", PASSWORD)
    assert status == 302, page[:300]
    assert signed_in(owner)
    assert login(attacker, "victime@exemple.fr", PASSWORD)[0] == 429
