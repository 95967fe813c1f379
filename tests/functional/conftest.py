"""The functional tests run the golden SDKs against the emulator; their helper modules
(``functional_clients``, ``functional_payloads``) sit beside them and are imported by name."""

from __future__ import annotations

import sys
from pathlib import Path

if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))
