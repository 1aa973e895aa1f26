"""The marketplace world of the market tests, plus an empty index directory per test."""

import pytest

from datong.market.tests.conftest import bearer, future, world  # noqa: F401
from datong.matching import store


@pytest.fixture
def indexes(settings, tmp_path):
    """A fresh index directory; the process forgets the indexes it had open."""
    settings.DATONG_INDEX_DIR = tmp_path / "indexes"
    store.forget()
    yield settings.DATONG_INDEX_DIR
    store.forget()


def build_all():
    for kind in ("listings", "demands", "experts", "enterprises"):
        store.rebuild(kind)
