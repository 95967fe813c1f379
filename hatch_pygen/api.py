"""Generating an SDK from Python: ``generate_sdk`` writes one into a folder, and
``generate_sdk_notebook`` writes one into a temporary folder, imports it and returns its client.

Both run the same stages as ``pygen generate`` (models -> validation -> IR -> Python renderer),
without a ``pyproject.toml``::

    from hatch_pygen import generate_sdk

    generate_sdk("models/WindTurbine.yaml", top_level_package="wind_sdk", output_dir="src")
"""

from __future__ import annotations

import importlib
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hatch_pygen.errors import ModelNotFoundError, PygenError
from hatch_pygen.ir import IR, build_ir
from hatch_pygen.sdk import find_renderer, write_sdk
from hatch_pygen.sources import ModelSnapshot, load_model_file
from hatch_pygen.validation import validate

if TYPE_CHECKING:
    from typing import TypeAlias

    from pygen_runtime.schema import DataModel, DataModelId

    from pygen_runtime import CDFClient, ClientConfig

    # A data model: a YAML or JSON model file, a snapshot, a data model read with its views
    # (``inline_views``), or the id of one to fetch with ``client``.
    ModelInput: TypeAlias = str | Path | ModelSnapshot | DataModel | DataModelId

__all__ = ["generate_sdk", "generate_sdk_notebook"]


def generate_sdk(
    model: ModelInput | Sequence[ModelInput],
    *,
    top_level_package: str,
    client_name: str | None = None,
    output_dir: str | Path = ".",
    client: CDFClient | None = None,
    instance_space: str | None = None,
    overwrite: bool = True,
) -> Path:
    """Write the Python SDK of ``model`` (a model file path, a ``ModelSnapshot``, a ``DataModel`` read
    with its views, a ``DataModelId``, or a list of them) as the
    package ``top_level_package`` under ``output_dir``; return the package folder.

    A model given by id (``DataModelId``) is fetched with ``client`` (a ``CDFClient``), with the
    views it implements from outside it. ``client_name`` names the client class (default: from
    the data model, ``WindTurbineClient``); ``instance_space`` becomes the SDK's default space.
    """
    ir = _build(model, top_level_package, client_name, instance_space, client)
    files = find_renderer("python")(ir)
    return write_sdk(files, Path(output_dir), top_level_package, overwrite=overwrite)


def generate_sdk_notebook(
    model: ModelInput | Sequence[ModelInput],
    *,
    top_level_package: str | None = None,
    client_name: str | None = None,
    client: CDFClient | None = None,
    config: ClientConfig | None = None,
    instance_space: str | None = None,
) -> Any:
    """Generate the SDK of ``model`` into a temporary folder, import it and return its client,
    for a notebook or a script. The client shares ``client`` when given (which also fetches a
    model given by id), else is made from ``config``, else from the ``CDF_*`` environment
    variables. ``top_level_package`` defaults to the model's name in snake_case plus ``_sdk``.

    The folder lives as long as the process (it is on ``sys.path``); generating the same package
    again replaces the one imported before.
    """
    package = top_level_package or _default_package(model, client)
    ir = _build(model, package, client_name, instance_space, client)
    from hatch_pygen.render.python import client_class_name

    folder = Path(tempfile.mkdtemp(prefix="pygen-notebook-"))
    write_sdk(find_renderer("python")(ir), folder, package)
    for name in [name for name in sys.modules if name == package or name.startswith(f"{package}.")]:
        del sys.modules[name]  # an SDK of the same name generated before
    sys.path.insert(0, str(folder))
    importlib.invalidate_caches()
    client_class = getattr(importlib.import_module(package), client_class_name(ir))
    if client is not None:
        return client_class(client)
    if config is not None:
        return client_class(config)
    return client_class.from_env()


def _build(
    model: Any, package: str, client_name: str | None, instance_space: str | None, client: CDFClient | None
) -> IR:
    snapshots = _snapshots(model, client)
    return build_ir(
        validate(snapshots), package=package, client_name=client_name, instance_space=instance_space
    )


def _default_package(model: Any, client: CDFClient | None) -> str:
    from hatch_pygen.render.python._names import default_package_name

    external_id = _snapshots(model, client)[0].data_model.external_id
    package = default_package_name(external_id)
    if package is None:
        raise PygenError(
            f'the data model {external_id!r} gives no importable package name; pass top_level_package="..."'
        )
    return package


def _snapshots(model: Any, client: CDFClient | None) -> list[ModelSnapshot]:
    from pygen_runtime.schema import DataModel, DataModelId

    items = list(model) if isinstance(model, Sequence) and not isinstance(model, str) else [model]
    if not items:
        raise PygenError("no data model given; pass a model file, a DataModel or a DataModelId")
    snapshots: list[ModelSnapshot] = []
    for item in items:
        if isinstance(item, ModelSnapshot):
            snapshots.append(item)
        elif isinstance(item, (str, Path)):
            snapshots.extend(load_model_file(Path(item)))
        elif isinstance(item, DataModel):
            if len(item.inline_views) != len(item.views):
                raise PygenError(
                    f"data model {item.space}:{item.external_id}/{item.version} holds view ids only; "
                    "retrieve it with inline_views=True, or pass its DataModelId and a client"
                )
            snapshots.append(ModelSnapshot(data_model=item))
        elif isinstance(item, DataModelId):
            snapshots.append(_fetch(item, client))
        else:
            raise PygenError(
                f"cannot generate an SDK from {type(item).__name__} {item!r}: pass a model file path, "
                "a ModelSnapshot, a DataModel with its views, or a DataModelId with client="
            )
    return snapshots


def _fetch(model_id: DataModelId, client: CDFClient | None) -> ModelSnapshot:
    from hatch_pygen.sources._cdf import _implemented_views

    label = f"{model_id.space}:{model_id.external_id}/{model_id.version}"
    if client is None:
        raise PygenError(f"{label} is a data model id; pass client=CDFClient(...) to fetch it")
    found = client.data_models.retrieve([model_id], inline_views=True)
    if not found:
        raise ModelNotFoundError(
            f"{label} was not found in CDF project {client.config.project}",
            where=f"CDF project {client.config.project}",
            missing=[label],
        )
    data_model = found[0]
    outside = _implemented_views(client, data_model.inline_views, lambda message: None)
    return ModelSnapshot(data_model=data_model, implemented_views=tuple(outside))
