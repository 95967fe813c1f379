"""Python literals for text that comes from a model: string literals and docstrings.

A description or an enum value can hold anything: quotes, ``\"\"\"``, backslashes, ``{{ }}``,
control characters. These functions are the only way such text enters generated code. Each
returns the literal exactly as ``ruff format`` would write it, so the generated code is already
formatted, and Python reads it back as the original text (docstrings: the original text with
trailing spaces, tabs and surrounding blank lines tidied).
"""

from __future__ import annotations

import re
import textwrap

__all__ = ["docstring", "string_literal"]

_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(char: str, quote: str) -> str:
    """``char`` as it appears inside a literal delimited by ``quote`` (``""`` for a docstring)."""
    if char in _ESCAPES and (quote or char == "\\"):
        return _ESCAPES[char]
    if char == quote:
        return "\\" + char
    code = ord(char)
    if code < 0x20 or code == 0x7F:
        return f"\\x{code:02x}"
    if not char.isprintable() or char in "\u2028\u2029\x85":
        # Line and paragraph separators and other invisible characters would be lost to a reader
        # or split a line for some tools; spell them out.
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
    return char


def _escape(text: str, quote: str) -> str:
    # Most text needs no escape at all; only look at each character when some might.
    if (
        text.isprintable()
        and "\\" not in text
        and (not quote or quote not in text)
        and not _SEPARATORS & set(text)
    ):
        return text
    return "".join(_escape_char(char, quote) for char in text)


_SEPARATORS = frozenset("\u2028\u2029\x85")


def string_literal(text: str) -> str:
    """A string literal for ``text``: double-quoted unless that needs more escapes than single
    quotes, as ruff prefers. ``string_literal('say "hi"')`` -> ``'say "hi"'``."""
    quote = "'" if text.count('"') > text.count("'") else '"'
    return quote + _escape(text, quote) + quote


def _tidy_lines(text: str) -> list[str]:
    """The lines of a description as a docstring shows them: no trailing spaces, tabs expanded,
    no blank lines around, continuation lines dedented (as ruff dedents them)."""
    lines = [
        line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").expandtabs(4).split("\n")
    ]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    if not lines:
        return []
    lines[0] = lines[0].lstrip()
    rest = textwrap.dedent("\n".join(lines[1:])).split("\n") if len(lines) > 1 else []
    return [lines[0], *(line.rstrip() for line in rest)]


_QUOTE_RUN = re.compile(r'"+')


def _escape_quote_run(match: re.Match[str]) -> str:
    run = match.group()
    if len(run) >= 3 or match.start() == 0 or match.end() == len(match.string):
        return '\\"' * len(run)
    return run


def docstring(text: str, indent: str = "") -> str:
    """A docstring literal for ``text`` whose continuation lines start with ``indent``.

    ``docstring('Say \"\"\"hi\"\"\"')`` -> ``\"\"\"Say \\"\\"\\"hi\\"\\"\\"\"\"\"``;
    an empty text gives an empty string (no docstring at all).
    """
    lines = _tidy_lines(text)
    if not lines:
        return ""
    body = "\n".join(f"{indent}{line}" if line and number else line for number, line in enumerate(lines))
    escaped = "\n".join(_escape(line, "") for line in body.split("\n"))
    # A run of three quotes would close the docstring, and a quote at either end would touch the
    # delimiting quotes: such quotes are escaped (every backslash is doubled already, so a quote is
    # never escaped by accident).
    escaped = _QUOTE_RUN.sub(_escape_quote_run, escaped)
    if len(lines) == 1:
        return f'"""{escaped}"""'
    return f'"""{escaped}\n{indent}"""'
