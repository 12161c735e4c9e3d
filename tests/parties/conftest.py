import pytest

from tests.parties.factories import make_operator_user


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def operator(db):
    return make_operator_user()
