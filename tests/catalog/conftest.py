import pytest

from tests.parties.factories import make_operator_user


@pytest.fixture
def operator(db):
    return make_operator_user()
