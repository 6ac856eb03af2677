"""The docstring examples of every govkg module, run against the installed package."""
import doctest
import importlib
import pkgutil

import pytest

import govkg

# a __main__ module runs the command line when imported, so it has no doctests to run
MODULES = [m.name for m in pkgutil.walk_packages(govkg.__path__, "govkg.") if not m.name.endswith(".__main__")]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0
