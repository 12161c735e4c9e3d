import pytest

from tests.parties.factories import make_operator_user


@pytest.fixture
def operator(db):
    return make_operator_user()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests do not need it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
