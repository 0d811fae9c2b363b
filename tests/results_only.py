"""Fixture overrides for test modules whose store holds the bundled Diamond League archive and the
seed article but not the career histories: tests of importing histories, or of linking a file's
races to the archive's, as a store was before the histories were bundled (the bundled store holds
every history already), import tests that would plan against a store three times the size, and
tests where what is stored is not the point (a refused file, a resumed sync, another process's
import): the store is marked as holding this bundle, so `racebot` commands leave it as it is.

A module takes them by importing the names: `from results_only import core, db_copy`; its tests
that need the whole bundled store after all ask for `whole_copy`.
"""
import pytest
from cores import copy_store


@pytest.fixture
def bundled_db(results_only_db):
    return results_only_db


@pytest.fixture
def db_copy(results_only_copy):
    return results_only_copy


@pytest.fixture
def core(results_only_core):
    return results_only_core


@pytest.fixture
def whole_copy(whole_db, tmp_path):
    """A copy of the whole bundled store, for the test of such a module where the histories are the point."""
    return copy_store(whole_db, tmp_path / "whole.db")
