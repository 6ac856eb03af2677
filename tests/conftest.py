from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "reports"
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"


@pytest.fixture(scope="session")
def examples_store(tmp_path_factory):
    """The bundled examples built once into a store, for read-only tests."""
    from govkg.pipeline import build

    path = tmp_path_factory.mktemp("store") / "store"
    summary = build([EXAMPLES], path)
    assert summary.ok, summary
    return path
