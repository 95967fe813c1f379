"""What a request may say and what a response holds: the pydantic models behind the OpenAPI document.

Identifiers follow the rules ``[tool.pygen]`` applies (``hatch_pygen.config``), so a package or
space the service accepts is one the build hook accepts too. FastAPI checks a request against
these models before a route runs; what fails comes back as 422 naming the field.
"""

from __future__ import annotations

import keyword
from typing import Annotated, Literal

from packaging.version import InvalidVersion, Version
from pydantic import BaseModel, ConfigDict, Field, field_validator

from hatch_pygen.config._parse import (
    EXTERNAL_ID_PATTERN,
    IDENTIFIER_PATTERN,
    PACKAGE_PATTERN,
    SPACE_PATTERN,
    VERSION_PATTERN,
)

__all__ = [
    "FIELD_RULES",
    "ErrorBody",
    "ExternalId",
    "FieldErrorBody",
    "GeneratedSdkBody",
    "GenerationOptions",
    "HealthBody",
    "LanguageBody",
    "LanguagesBody",
    "ModelVersion",
    "OutputFormat",
    "ProblemBody",
    "ProblemLocationBody",
    "Space",
]

OutputFormat = Literal["zip", "json", "wheel"]
# What each identifier must look like, in words, for the error when it does not.
FIELD_RULES = {
    "package": "Python package name (letters, digits, _ and dots, not starting with a digit)",
    "client_name": "class name (letters, digits and _, not starting with a digit)",
    "instance_space": "CDF space (a letter, then up to 43 letters, digits, _ and -)",
    "space": "CDF space (a letter, then up to 43 letters, digits, _ and -)",
    "external_id": "CDF external id (a letter, then up to 254 letters, digits and _)",
    "version": "data model version (letters, digits, ., _ and -, up to 43 characters)",
    "distribution": "distribution name (letters, digits, ., _ and -)",
}

Space = Annotated[str, Field(pattern=SPACE_PATTERN.pattern, description="Space of the data model.")]
ExternalId = Annotated[
    str, Field(pattern=EXTERNAL_ID_PATTERN.pattern, description="External id of the data model.")
]
ModelVersion = Annotated[
    str, Field(pattern=VERSION_PATTERN.pattern, description="Version of the data model.")
]


class GenerationOptions(BaseModel):
    """How to generate: the names the SDK gets, the language, and the form of the answer."""

    model_config = ConfigDict(extra="forbid")

    package: str | None = Field(
        default=None,
        pattern=PACKAGE_PATTERN.pattern,
        description="Import name of the generated package, e.g. wind_sdk (default: the first data "
        "model's external id in snake_case plus _sdk).",
        examples=["wind_sdk"],
    )
    client_name: str | None = Field(
        default=None,
        pattern=IDENTIFIER_PATTERN.pattern,
        description="Name of the generated client class (default: from the data model, e.g. "
        "WindTurbineClient).",
    )
    instance_space: str | None = Field(
        default=None, pattern=SPACE_PATTERN.pattern, description="Default space for the SDK's instances."
    )
    language: str = Field(
        default="python", description="Target language; GET /v1/languages lists the ones this service has."
    )
    format: OutputFormat = Field(
        default="zip",
        description="zip: the package folder as a zip archive; json: the files as {path: text}; "
        "wheel: an installable wheel of the SDK (python only).",
    )
    strict: bool = Field(
        default=False, description="Refuse (422) on validation warnings too, not only errors."
    )
    sdk_version: str = Field(
        default="0.1.0",
        description="Version of the wheel's distribution (format=wheel only).",
        examples=["1.0.0"],
    )
    distribution: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$",
        description="Name of the wheel's distribution (format=wheel only; default: the package "
        "name with - for _ and .).",
    )

    @field_validator("package")
    @classmethod
    def _no_keyword_in_package(cls, value: str | None) -> str | None:
        if value is not None:
            reserved = [part for part in value.split(".") if keyword.iskeyword(part)]
            if reserved:
                raise ValueError(f"{reserved[0]!r} is a Python keyword and cannot be part of an import name")
        return value

    @field_validator("sdk_version")
    @classmethod
    def _a_version_pip_accepts(cls, value: str) -> str:
        try:
            Version(value)
        except InvalidVersion:
            raise ValueError(f"{value!r} is not a version pip accepts (PEP 440), e.g. 1.0.0") from None
        return value


class HealthBody(BaseModel):
    """The service is up; which generator and runtime it has."""

    status: Literal["ok"] = "ok"
    version: str = Field(description="The hatch-pygen version generating.")
    runtime_requirement: str = Field(description="The pygen-runtime range generated Python SDKs need.")


class LanguageBody(BaseModel):
    """One target language."""

    name: str
    description: str
    formats: list[OutputFormat] = Field(description="The output formats this language offers.")


class LanguagesBody(BaseModel):
    """Every target language this service renders."""

    languages: list[LanguageBody]


class ProblemLocationBody(BaseModel):
    """Where a problem is; each part only where it applies."""

    model: str | None
    view: str | None
    property: str | None


class ProblemBody(BaseModel):
    """A validation problem of the model, as ``pygen check`` reports it (``text`` is its line)."""

    code: str
    severity: Literal["error", "warning"]
    location: ProblemLocationBody
    message: str
    hint: str
    text: str


class GeneratedSdkBody(BaseModel):
    """The generated package as text files (``format=json``)."""

    package: str
    language: str
    files: dict[str, str] = Field(description="File text by path; every path is inside the package folder.")
    warnings: list[ProblemBody] = Field(description="Validation warnings: the parts skipped or renamed.")


class FieldErrorBody(BaseModel):
    """A part of the request that is wrong."""

    field: str = Field(description="Where: query.package, path.space, body, ...")
    message: str


class ErrorBody(BaseModel):
    """Every error's body."""

    error: str = Field(description="A stable code to branch on, e.g. model-has-errors.")
    message: str = Field(description="One line (sometimes a few) for a person.")
    problems: list[ProblemBody] = Field(default_factory=list, description="The model's validation problems.")
    fields: list[FieldErrorBody] = Field(default_factory=list, description="The request's faulty fields.")
