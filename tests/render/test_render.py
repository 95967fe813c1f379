"""The renderer's entry points, the runtime requirement, laziness of generated packages, and model
text that reads back exactly in the generated docstrings."""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from golden_sdks import import_sdk
from model_builder import SPACE, direct, mapped, snapshot, view, view_ref
from pygen_runtime.schema import Space
from pygen_runtime.testing import Emulator
from shared_cdf import model_file
from typer.testing import CliRunner

from hatch_pygen.cli import app
from hatch_pygen.errors import PygenError
from hatch_pygen.ir import IR, build_ir
from hatch_pygen.render import LANGUAGES, render, runtime_requirement
from hatch_pygen.render.python._imports import import_block
from hatch_pygen.render.python._layout import Call, bracketed, statement
from hatch_pygen.sdk import write_sdk
from hatch_pygen.validation import validate
from pygen_runtime import ClientConfig, Token
from pygen_runtime import __version__ as runtime_version


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("0.1.0", "pygen-runtime>=0.1,<0.2"),
        ("0.4.7.dev3", "pygen-runtime>=0.4,<0.5"),
        ("1.2.3", "pygen-runtime>=1.2,<2"),
        ("2.0", "pygen-runtime>=2.0,<3"),
    ],
)
def test_the_runtime_requirement_allows_compatible_releases_only(version: str, expected: str) -> None:
    assert runtime_requirement(version) == expected


def test_the_runtime_requirement_defaults_to_the_installed_runtime() -> None:
    major, minor = runtime_version.split(".")[:2]
    assert runtime_requirement().startswith(f"pygen-runtime>={major}.{minor},<")
    with pytest.raises(ValueError, match=r"does not start with MAJOR\.MINOR"):
        runtime_requirement("latest")


def test_render_names_the_languages_it_knows() -> None:
    assert LANGUAGES == ("python",)
    with pytest.raises(PygenError, match="no renderer for language 'cobol'; this hatch-pygen renders python"):
        render(IR(package="x"), language="cobol")
    with pytest.raises(PygenError, match="no package name"):
        render(IR(), language="python")
    with pytest.raises(PygenError, match="renders IR version 1, not 2"):
        render(IR(package="x", ir_version="2"), language="python")


def test_statements_split_only_when_they_do_not_fit() -> None:
    assert statement(Call("f", ("a", "b")), prefix="x = ") == "x = f(a, b)"
    wide = Call("function", tuple(f"argument_{number}=value_{number}" for number in range(6)))
    assert statement(wide, indent="    ").split("\n") == [
        "    function(",
        *(f"        argument_{number}=value_{number}," for number in range(6)),
        "    )",
    ]
    assert bracketed("__all__ = ", ['"A"'], brackets="[]", explode=True) == '__all__ = [\n    "A",\n]'
    assert statement("x" * 100).endswith("  # fmt: skip")


def test_import_blocks_are_grouped_and_sorted_as_isort_does() -> None:
    block = import_block(
        {".b_module": ["B"], "typing": ["cast", "TYPE_CHECKING", "Any"], "pydantic": ["Field"], ".a": ["x"]}
    )
    assert block == (
        "from typing import TYPE_CHECKING, Any, cast\n\n"
        "from pydantic import Field\n\n"
        "from .a import x\nfrom .b_module import B"
    )


@pytest.fixture
def on_path(tmp_path: Path) -> Iterator[Path]:
    sys.path.insert(0, str(tmp_path))
    try:
        yield tmp_path
    finally:
        sys.path.remove(str(tmp_path))
        # Forget the packages generated here (and only those: golden SDKs stay imported).
        for name, module in list(sys.modules.items()):
            places = [getattr(module, "__file__", None) or "", *getattr(module, "__path__", [])]
            if any(str(place).startswith(str(tmp_path)) for place in places):
                del sys.modules[name]


def test_model_text_reads_back_exactly_in_docstrings(on_path: Path) -> None:
    description = 'Holds """triple quotes""", a \\ backslash, {{ braces }} and {% tags %}\nover two lines'
    model = snapshot(
        [view("Tricky", {"name": mapped(description=description)}, description=description, name="Tricky")]
    )
    ir = build_ir(validate([model]), package="tricky_sdk")
    write_sdk(render(ir, language="python"), on_path, "tricky_sdk")
    sdk: Any = importlib.import_module("tricky_sdk")
    doc = sdk.Tricky.__doc__
    assert 'Holds """triple quotes""", a \\ backslash, {{ braces }} and {% tags %}\n    over two lines' in doc
    assert "    name: Holds" in doc


def test_importing_a_generated_sdk_loads_only_what_is_used() -> None:
    # A fresh interpreter: importing the package loads no view module; a client attribute loads
    # its own API and data classes, nothing else.
    folder = Path(__file__).resolve().parents[1] / "golden" / "python" / "CogniteCore"
    script = (
        f"import sys; sys.path.insert(0, {str(folder)!r})\n"
        "import cognite_core_sdk\n"
        "loaded = lambda: sorted(m for m in sys.modules if m.startswith('cognite_core_sdk.'))\n"
        "print(loaded())\n"
        "from cognite_core_sdk import CogniteCoreClient\n"
        "print(loaded())\n"
        "client = CogniteCoreClient.__new__(CogniteCoreClient)\n"
        "client.cognite_unit\n"
        "print(loaded())\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    at_import, with_client, with_one_api = done.stdout.splitlines()
    assert at_import == "[]"
    assert with_client == "['cognite_core_sdk._client']"
    assert eval(with_one_api) == [
        "cognite_core_sdk._api",
        "cognite_core_sdk._api._cognite_unit",
        "cognite_core_sdk._client",
        "cognite_core_sdk.data_classes",
        "cognite_core_sdk.data_classes._cognite_describable",
        "cognite_core_sdk.data_classes._cognite_unit",
    ]


def test_pygen_generate_writes_the_python_sdk(on_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "generate",
            "--model",
            str(model_file("Pumps")),
            "--package",
            "cli_pumps_sdk",
            "--out",
            str(on_path),
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    sdk: Any = importlib.import_module("cli_pumps_sdk")
    assert sdk.PumpsClient.default_instance_space is None
    assert (on_path / "cli_pumps_sdk" / "py.typed").is_file()


def test_several_data_models_get_one_sub_client_each() -> None:
    sdk: Any = import_sdk("OmniMulti")
    emulator = Emulator(project="multi")
    for name in ("OmniMultiA", "OmniMultiB", "OmniMultiC"):
        emulator.load_model(model_file(name))
    config = ClientConfig(base_url=emulator.base_url, project=emulator.project, credentials=Token("t"))
    with sdk.OmniMultiSdkClient(config, transport=emulator.transport()) as client:
        # Within a data model a view keeps its own name, even where the SDK as a whole had to
        # qualify it (Implementation1 is in two models, in two versions).
        second = client.omni_multi_b.implementation1
        other = client.omni_multi_c.implementation1
        assert second._read_class.view_id().version == "2"
        assert other._read_class.view_id().space == "pygen-models-other"
        assert client.omni_multi_a.main_interface is client.omni_multi_a.main_interface
        assert list(second.list()) == []
        assert list(other.list()) == []


def test_a_reverse_relation_through_a_container_is_read_through_the_view_at_its_other_end(
    on_path: Path,
) -> None:
    pointer = direct("Station")
    pointer["container"]["externalId"] = "PumpContainer"
    pointer["containerPropertyIdentifier"] = "station_ref"
    reverse_through_container = {
        "source": view_ref("Pump"),
        "through": {
            "source": {"type": "container", "space": SPACE, "externalId": "PumpContainer"},
            "identifier": "station_ref",
        },
        "connectionType": "multi_reverse_direct_relation",
    }
    model = snapshot(
        [
            view("Pump", {"station": pointer}),
            view(
                "Station", {"name": mapped(container="StationContainer"), "pumps": reverse_through_container}
            ),
        ]
    )
    ir = build_ir(validate([model]), package="through_sdk", instance_space="plant")
    write_sdk(render(ir, language="python"), on_path, "through_sdk")
    sdk: Any = importlib.import_module("through_sdk")
    emulator = Emulator(project="through")
    emulator.load_model(model.data_model.dump())
    config = ClientConfig(base_url=emulator.base_url, project=emulator.project, credentials=Token("t"))
    with sdk.ModelClient(config, transport=emulator.transport()) as client:
        client.cdf.spaces.apply(Space(space="plant"))
        client.upsert(
            [
                sdk.StationWrite(external_id="s1", name="S1"),
                sdk.PumpWrite(external_id="p1", station=("plant", "s1")),
                sdk.PumpWrite(external_id="p2", station=("plant", "s1")),
            ]
        )
        station = client.station.retrieve("s1", retrieve_connections="identifier")
    assert sorted(node.external_id for node in station.pumps) == ["p1", "p2"]


def test_a_dotted_package_name_gives_nested_folders_that_import(on_path: Path) -> None:
    ir = build_ir(validate([snapshot([view("Pump", {"name": mapped()})])]), package="acme.pumps_sdk")
    files = render(ir, language="python")
    assert "acme/pumps_sdk/__init__.py" in files
    write_sdk(files, on_path, "acme.pumps_sdk")
    sdk: Any = importlib.import_module("acme.pumps_sdk")
    assert sdk.Pump.__module__ == "acme.pumps_sdk.data_classes._pump"
    assert sdk.ModelClient.__module__ == "acme.pumps_sdk._client"


def test_a_client_name_the_runtime_uses_is_stepped_around(on_path: Path) -> None:
    ir = build_ir(
        validate([snapshot([view("Pump", {"name": mapped()})])]),
        package="clash_sdk",
        client_name="TypedClient",
    )
    write_sdk(render(ir, language="python"), on_path, "clash_sdk")
    sdk: Any = importlib.import_module("clash_sdk")
    assert sdk.TypedClient_.__mro__[1].__name__ == "TypedClient"
