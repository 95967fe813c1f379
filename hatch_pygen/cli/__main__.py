"""``python -m hatch_pygen.cli``: the ``pygen`` command without its console script."""

from hatch_pygen.cli import main

main()
