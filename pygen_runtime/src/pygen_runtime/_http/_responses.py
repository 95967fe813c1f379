"""Reading answers: JSON bodies, CDF's error bodies, and the exception for each failure. Pure."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import ValidationError

from pygen_runtime._api._calls import UnexpectedResponseError, describe_validation_error
from pygen_runtime.errors import CDFAPIError, CDFResponseError, api_error_class

if TYPE_CHECKING:
    import httpx

    from pygen_runtime._api._calls import Call

__all__ = [
    "CDFErrorBody",
    "api_error",
    "decode_json",
    "parse_error_body",
    "read_result",
    "redact",
    "status_text",
]

T = TypeVar("T")

_SNIPPET_LENGTH = 160
# Anything that looks like a bearer token or a JWT is blanked out of text quoted in errors: some
# proxies echo request headers into their error pages.
_SECRETS = re.compile(r"(?i)(bearer\s+)[\w\-.~+/=]+|eyJ[\w\-]+\.[\w\-]+\.[\w\-]*")


@dataclass(frozen=True)
class CDFErrorBody:
    """What CDF's ``{"error": {...}}`` body says."""

    message: str
    code: int | None = None
    missing: Sequence[Any] = ()
    duplicated: Sequence[Any] = ()


def status_text(status: int) -> str:
    """``"503 Service Unavailable"``."""
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def redact(text: str) -> str:
    """``text`` with bearer tokens and JWTs replaced by ``<hidden>``."""
    return _SECRETS.sub(lambda match: (match.group(1) or "") + "<hidden>", text)


def _snippet(content: bytes) -> str:
    text = " ".join(content[: _SNIPPET_LENGTH * 2].decode("utf-8", errors="replace").split())
    text = redact(text)
    return text if len(text) <= _SNIPPET_LENGTH else text[:_SNIPPET_LENGTH] + "..."


def parse_error_body(content: bytes) -> CDFErrorBody | None:
    """CDF's error body, or None when ``content`` is not one."""
    try:
        body = json.loads(content)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    error = body.get("error") if isinstance(body, Mapping) else None
    if not isinstance(error, Mapping):
        return None
    message = error.get("message")
    code = error.get("code")
    missing = error.get("missing")
    duplicated = error.get("duplicated")
    return CDFErrorBody(
        message=str(message) if message is not None else "(no message)",
        code=code if isinstance(code, int) and not isinstance(code, bool) else None,
        missing=missing if isinstance(missing, list) else (),
        duplicated=duplicated if isinstance(duplicated, list) else (),
    )


def _hint(status: int, project_url: str) -> str | None:
    base_url = project_url.split("/api/v1/projects/", 1)[0]
    project = project_url.rsplit("/", 1)[-1]
    if status == 401:
        return (
            "CDF did not accept the credentials. Check that the token has not expired and was issued for "
            f"this cluster (its audience or scope should be {base_url}, e.g. CDF_SCOPES={base_url}/.default)."
        )
    if status == 403:
        return (
            f"The credentials were accepted but lack access in project {project!r}: the identity needs "
            "data-modeling capabilities (dataModelsAcl to read or write schema, dataModelInstancesAcl for "
            "instances) scoped to the spaces involved."
        )
    if status == 404:
        return f"Check the CDF URL and the project name ({project_url})."
    return None


def api_error(
    response: httpx.Response, *, method: str, path: str, project_url: str, attempts: Sequence[str] = ()
) -> CDFAPIError:
    """The ``CDFAPIError`` subclass for an error answer, with what CDF's body says."""
    status = response.status_code
    parsed = parse_error_body(response.content)
    if parsed is None:
        if response.content:
            kind = response.headers.get("content-type", "").split(";")[0] or "unlabelled content"
            message = (
                f"{status_text(status)}, and not a CDF error body ({kind}: {_snippet(response.content)!r})"
            )
        else:
            message = f"{status_text(status)}, with an empty body"
        parsed = CDFErrorBody(message=message)
    return api_error_class(status)(
        method=method,
        path=path,
        status=status,
        message=parsed.message,
        code=parsed.code,
        missing=parsed.missing,
        duplicated=parsed.duplicated,
        request_id=response.headers.get("x-request-id"),
        attempts=attempts,
        hint=_hint(status, project_url),
    )


def decode_json(response: httpx.Response, *, method: str, path: str, attempts: Sequence[str] = ()) -> Any:
    """The JSON body of a successful answer, or a ``CDFResponseError`` saying what came instead."""
    status = response.status_code
    content = response.content
    request_id = response.headers.get("x-request-id")
    if not content.strip():
        raise CDFResponseError(
            f"CDF answered {status_text(status)} with an empty body where JSON was expected.",
            method=method,
            path=path,
            status=status,
            request_id=request_id,
            attempts=attempts,
        )
    try:
        return json.loads(content)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        kind = response.headers.get("content-type", "").split(";")[0].strip()
        if "json" in kind:
            detail = (
                f"JSON that is cut off or malformed ({exc.__class__.__name__}: {exc} of {len(content)} bytes)"
            )
        else:
            detail = (
                f"{kind or 'unlabelled content'} instead of JSON, which usually means a proxy or gateway "
                f"answered instead of CDF: {_snippet(content)!r}"
            )
        raise CDFResponseError(
            f"CDF answered {status_text(status)} with {detail}.",
            method=method,
            path=path,
            status=status,
            request_id=request_id,
            attempts=attempts,
        ) from None


def read_result(
    call: Call[T], response: httpx.Response, *, path: str, project_url: str, attempts: Sequence[str] = ()
) -> T:
    """The typed result of ``call`` from its final answer, or the error that answer means."""
    if response.status_code >= 400:
        raise api_error(response, method=call.method, path=path, project_url=project_url, attempts=attempts)
    if call.parse_content is not None:
        read = call.parse_content(response.content)
        if read is not None:
            return read
    body = decode_json(response, method=call.method, path=path, attempts=attempts)
    try:
        return call.parse(body)
    except UnexpectedResponseError as exc:
        detail = str(exc)
    except ValidationError as exc:
        detail = describe_validation_error(exc)
    raise CDFResponseError(
        f"CDF answered {status_text(response.status_code)}, but the body is not what CDF sends: {detail}.",
        method=call.method,
        path=path,
        status=response.status_code,
        request_id=response.headers.get("x-request-id"),
        attempts=attempts,
    )
