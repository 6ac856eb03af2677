"""``python -m govkg.cli``: the command line."""
from . import run

run()
