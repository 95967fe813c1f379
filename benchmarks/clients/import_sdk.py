"""Import a generated SDK package in a fresh interpreter and report what the import cost.

    python import_sdk.py --sdk DIR --package cognite_core --name CogniteCoreClient

Times ``from cognite_core import CogniteCoreClient``: the package and the names a user imports
from it (a package that loads its names lazily pays for them here, not later). Reports the seconds
spent (wall and CPU), the resident memory added, and how many modules were loaded. Works under any
interpreter (standard library only).
"""

from __future__ import annotations

import argparse
import importlib
import sys

from _probe import Probe, resident_mib


def main(argv: list[str] | None = None) -> int:
    probe = Probe()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sdk", required=True, help="folder holding the generated package")
    parser.add_argument("--package", required=True, help="the package to import")
    parser.add_argument("--name", action="append", default=[], help="a name to import from it; repeatable")
    args = parser.parse_args(argv)
    sys.path.insert(0, args.sdk)
    modules_before = len(sys.modules)
    rss_before = resident_mib()
    with probe.measure():
        package = importlib.import_module(args.package)
        for name in args.name:
            getattr(package, name)
    probe.report(
        modules_loaded=len(sys.modules) - modules_before,
        rss_added_mib=round(resident_mib() - rss_before, 1),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
