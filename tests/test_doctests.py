"""The docstring examples of every govkg module, run against the installed package."""
import doctest
import importlib
import pkgutil

import pytest

import govkg

MODULES = [m.name for m in pkgutil.walk_packages(govkg.__path__, "govkg.")]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0
