import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Factories set a password on every account; the production hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
