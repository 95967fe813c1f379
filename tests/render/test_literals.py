"""Text from a model becomes literals that compile, read back as the text, and are ruff-formatted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hatch_pygen.render.python._literals import _tidy_lines, docstring, string_literal

RUFF = Path(sys.executable).parent / "ruff"

# Text that stresses escaping: quotes, backslashes, braces, newlines, tabs, control characters,
# line separators and characters outside the BMP.
_TRICKY = st.text(
    alphabet=st.one_of(
        st.sampled_from(['"', "'", "\\", "{", "}", "\n", "\r", "\t", " ", "\x00", "\x0c", "\u2028", "\x85"]),
        st.characters(codec="utf-8"),
    ),
    max_size=40,
)


def _ruff_format_changes(source: str, tmp_path: Path) -> str:
    path = tmp_path / "sample.py"
    path.write_text(source, encoding="utf-8")
    done = subprocess.run(
        [str(RUFF), "format", "--isolated", "--diff", str(path)], capture_output=True, text=True, timeout=60
    )
    return done.stdout + (done.stderr if done.returncode not in (0, 1) else "")


def _read_back(doc: str | None, indent: str) -> str:
    """The text of a docstring without the indentation and closing line the code layout adds."""
    if doc is None:
        return ""
    lines = doc.split("\n")
    if len(lines) > 1:
        assert lines[-1] == indent
        lines = [lines[0], *(line.removeprefix(indent) for line in lines[1:-1])]
    return "\n".join(lines)


@given(st.lists(_TRICKY, min_size=1, max_size=30))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_string_literals_read_back_as_the_text_and_are_formatted(tmp_path: Path, texts: list[str]) -> None:
    # One literal per line inside brackets, where ruff leaves a long literal alone.
    source = "values = [\n" + "".join(f"    {string_literal(text)},\n" for text in texts) + "]\n"
    namespace: dict[str, object] = {}
    exec(compile(source, "sample.py", "exec"), namespace)
    assert namespace["values"] == texts
    assert _ruff_format_changes(source, tmp_path) == ""


@given(st.lists(_TRICKY, min_size=1, max_size=30))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_docstrings_read_back_as_the_tidied_text_and_are_formatted(tmp_path: Path, texts: list[str]) -> None:
    blocks = []
    for number, text in enumerate(texts):
        literal = docstring(text, "    ")
        blocks.append(
            f"class Sample{number}:\n    {literal}\n\n    value = 1\n"
            if literal
            else f"class Sample{number}:\n    value = 1\n"
        )
    source = "\n\n".join(blocks)
    namespace: dict[str, object] = {}
    exec(compile(source, "sample.py", "exec"), namespace)
    for number, text in enumerate(texts):
        doc = namespace[f"Sample{number}"].__doc__  # type: ignore[attr-defined]
        assert _read_back(doc, "    ") == "\n".join(_tidy_lines(text)), text
    assert _ruff_format_changes(source, tmp_path) == ""


def test_a_description_that_looks_like_code_or_a_template_stays_text() -> None:
    text = 'Ends with """ and {{ name }} and a \\ backslash"'
    literal = docstring(text)
    assert literal == '"""Ends with \\"\\"\\" and {{ name }} and a \\\\ backslash\\""""'
    assert eval(literal) == text
    assert docstring("  \n\t\n") == ""


def test_docstrings_are_tidied_as_ruff_would_tidy_them() -> None:
    text = "\n  First line  \r\n      indented\n    less\tindented\n\n"
    assert _tidy_lines(text) == ["First line", "  indented", "less    indented"]
    assert docstring(text, "    ") == '"""First line\n      indented\n    less    indented\n    """'
