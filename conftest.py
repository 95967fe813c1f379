"""Root of the test suite.

pytest's importlib mode names a test module after its path, so
``pygen_runtime/tests/x/test_y.py`` becomes ``pygen_runtime.tests.x.test_y``; if the real
``pygen_runtime`` package were not imported yet, pytest would register an empty placeholder under
that name and hide the installed package. Importing it here, before any test module, prevents that.
"""

import pygen_runtime  # noqa: F401
