"""Login records (django-axes): erased with the account, purged after
LOGIN_RECORD_RETENTION_DAYS by Celery beat, and the privacy page says so."""

import datetime
import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from egts.models import User
from egts.tasks import purge_login_records_task
from tests.factories.egts import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/compte/login/"


def _records(email: str) -> int:
    return sum(
        model.objects.filter(username__iexact=email).count()
        for model in (AccessAttempt, AccessFailureLog, AccessLog)
    )


def _leave_records(email: str) -> Client:
    """A signed-in browser, after failures from another address: every kind of record."""
    for number in range(2):
        Client(REMOTE_ADDR=f"203.0.113.{number}").post(
            LOGIN, {"login": email.upper(), "password": "mauvais"}
        )
    browser = Client(REMOTE_ADDR="198.51.100.4", HTTP_USER_AGENT="Navigateur de test")
    assert browser.post(LOGIN, {"login": email, "password": PASSWORD}).status_code == 302
    return browser


def test_deleting_ones_account_erases_its_login_records(settings):
    settings.AXES_ENABLE_ACCESS_FAILURE_LOG = True
    UserFactory(email="nadia@exemple.fr")
    UserFactory(email="autre@exemple.fr")
    browser = _leave_records("nadia@exemple.fr")
    _leave_records("autre@exemple.fr")
    assert AccessAttempt.objects.filter(username="nadia@exemple.fr").exists()
    assert AccessLog.objects.filter(username="nadia@exemple.fr").exists()
    assert AccessFailureLog.objects.filter(username="nadia@exemple.fr").exists()

    response = browser.post(reverse("account-delete"), {"password": PASSWORD, "confirm": "on"})

    assert response.status_code == 302
    assert not User.objects.filter(email="nadia@exemple.fr").exists()
    assert _records("nadia@exemple.fr") == 0
    # Nothing of anyone else's.
    assert _records("autre@exemple.fr") > 0


def test_an_account_deleted_in_the_admin_takes_its_login_records_along():
    user = UserFactory(email="olivier@exemple.fr")
    _leave_records("olivier@exemple.fr")
    assert _records("olivier@exemple.fr") > 0
    admin = Client()
    admin.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = admin.post(f"/admin-technique/egts/user/{user.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert _records("olivier@exemple.fr") == 0


def _age_every_record(**delta) -> None:
    moment = timezone.now() - datetime.timedelta(**delta)
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.update(attempt_time=moment)


def test_the_daily_purge_removes_records_past_the_retention_period(settings):
    settings.LOGIN_RECORD_RETENTION_DAYS = 30
    settings.AXES_ENABLE_ACCESS_FAILURE_LOG = True
    UserFactory(email="paul@exemple.fr")
    _leave_records("paul@exemple.fr")
    _age_every_record(days=29)
    UserFactory(email="quentin@exemple.fr")
    assert purge_login_records_task.delay().get() == 0
    assert _records("paul@exemple.fr") > 0

    _age_every_record(days=31)
    _leave_records("quentin@exemple.fr")  # recent: kept
    deleted = purge_login_records_task.delay().get()

    assert deleted > 0
    assert _records("paul@exemple.fr") == 0
    assert _records("quentin@exemple.fr") > 0
    assert settings.CELERY_BEAT_SCHEDULE["purge-login-records"] == {
        "task": "egts.purge_login_records",
        "schedule": 86400.0,
    }


def test_the_purge_also_drops_expired_api_tokens_and_runs_as_a_command(settings, capsys):
    settings.API_TOKEN_LIFETIME_DAYS = 10
    expired = Token.objects.create(user=UserFactory())
    Token.objects.filter(pk=expired.pk).update(created=timezone.now() - datetime.timedelta(11))
    valid = Token.objects.create(user=UserFactory())

    call_command("purge_login_records")

    assert list(Token.objects.values_list("key", flat=True)) == [valid.key]
    assert "1 enregistrement(s) supprimé(s)." in capsys.readouterr().out


def test_the_privacy_page_states_the_retention_and_the_erasure(client, settings):
    settings.LOGIN_RECORD_RETENTION_DAYS = 90
    html = client.get(reverse("footer-personal-data")).content.decode()
    row = re.sub(r"\s+", " ", re.search(r'<tr id="login-records">(.*?)</tr>', html, re.S)[1])
    assert "90 jours, puis supprimés automatiquement" in row
    assert "supprimés aussitôt avec votre compte" in row
    assert "adresse IP, navigateur utilisé" in html
    assert "pendant 30 minutes" in re.sub(r"\s+", " ", html)
