"""An in-memory emulator of CDF's data-modeling service, for tests, demos and offline work.

Nothing here is imported by ``import pygen_runtime``; the names below load on first use.
"""
