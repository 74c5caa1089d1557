"""``python -m policykg``: the ``policykg`` command, for where its script is not on the PATH."""

from .cli import run

run()
