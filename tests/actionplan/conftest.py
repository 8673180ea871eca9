import pytest

from tests.factories.assises import people


@pytest.fixture
def roles(db):
    return people()
