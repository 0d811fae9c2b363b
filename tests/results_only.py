"""Fixture overrides for test modules whose store holds the bundled Diamond League archive and the
seed article but not the career histories: tests of importing histories, or of linking a file's
races to the archive's, as a store was before the histories were bundled (the bundled store holds
every history already), and import tests that would plan against a store three times the size.

A module takes them by importing the names: `from results_only import core, db_copy`.
"""
import pytest


@pytest.fixture
def bundled_db(results_only_db):
    return results_only_db


@pytest.fixture
def db_copy(results_only_copy):
    return results_only_copy


@pytest.fixture
def core(results_only_core):
    return results_only_core
