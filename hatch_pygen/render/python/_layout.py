"""Laying out statements the way ``ruff format`` leaves them, so generated code needs no formatter.

Two rules make the output stable under ruff at any line length from 88 up: a bracketed list
that fits on its line stays on one line; one that does not is split one item per line with a
trailing comma (ruff's "magic trailing comma" then keeps it split, however wide the limit), and
each item is laid out by the same rules one level deeper. A statement that still has a line
wider than 88 (only very long names cause that) is marked ``# fmt: skip``, so ruff leaves it as
it is rather than choosing another split.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "FMT_SKIP",
    "LINE_LENGTH",
    "Call",
    "Expression",
    "bracketed",
    "fits",
    "flat",
    "statement",
]

LINE_LENGTH = 88
FMT_SKIP = "  # fmt: skip"
STEP = "    "


@dataclass(frozen=True)
class Call:
    """``head(arguments)`` (or ``head[arguments]`` with ``brackets="[]"``); each argument is text
    or another :class:`Call`, so nested calls split level by level."""

    head: str
    arguments: tuple[Expression, ...]
    brackets: str = "()"


Expression = str | Call


def fits(line: str) -> bool:
    """Whether ``line`` (with its indentation) is within the line length."""
    return len(line) <= LINE_LENGTH


def flat(expression: Expression) -> str:
    """The expression on one line."""
    if isinstance(expression, str):
        return expression
    opening, closing = expression.brackets[0], expression.brackets[1]
    return f"{expression.head}{opening}{', '.join(flat(item) for item in expression.arguments)}{closing}"


def _lines(expression: Expression, indent: str, prefix: str, suffix: str, explode: bool) -> list[str]:
    one_line = f"{indent}{prefix}{flat(expression)}{suffix}"
    if isinstance(expression, str) or not expression.arguments or (fits(one_line) and not explode):
        return [one_line]
    opening, closing = expression.brackets[0], expression.brackets[1]
    lines = [f"{indent}{prefix}{expression.head}{opening}"]
    for item in expression.arguments:
        lines.extend(_lines(item, indent + STEP, "", ",", False))
    lines.append(f"{indent}{closing}{suffix}")
    return lines


def statement(
    expression: Expression, *, indent: str = "", prefix: str = "", suffix: str = "", explode: bool = False
) -> str:
    """``prefix + expression + suffix`` laid out from ``indent``, without a final newline.

    ``explode`` splits the outermost brackets even when they would fit (for lists that read
    better one item per line, like ``__all__``).

    >>> statement(Call("f", ("a", "b")), indent="    ", prefix="x = ")
    '    x = f(a, b)'
    """
    lines = _lines(expression, indent, prefix, suffix, explode)
    if not all(fits(line) for line in lines):
        lines[-1] += FMT_SKIP
    return "\n".join(lines)


def bracketed(
    head: str,
    items: Sequence[str],
    tail: str = "",
    *,
    indent: str = "",
    brackets: str = "()",
    explode: bool = False,
) -> str:
    """``head(item, item)tail`` on one line when it fits, else one item per line.

    >>> bracketed("x = f", ["a", "b"], indent="    ")
    '    x = f(a, b)'
    """
    return statement(Call(head, tuple(items), brackets), indent=indent, suffix=tail, explode=explode)
