"""Check request bodies against Discord's own OpenAPI description, read in place.

Where it is read from: `DISCORD_API_SPEC` (the `openapi.json`, or the folder holding it), else
`../shared/discord-api-spec/` beside the clone. A clone with neither still runs the end-to-end
tests, without body validation (`test_openapi.py` says so once, as one skipped module); CI sets
`REQUIRE_DISCORD_API_SPEC=1` so that a missing description fails instead of passing quietly.

Why the whole document is registered once as a JSON Schema 2020-12 resource: its operations
point into `#/components/schemas/...`, so a body schema only resolves against the full document.
Each operation's schema is then reached through a `$ref` with a JSON pointer, and `jsonschema`
(the reference validator, OpenAPI 3.1 = JSON Schema 2020-12) does the rest.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
"""`../shared` beside the clone (the folder the project's shared material is kept in)."""
SPEC_VARIABLE = "DISCORD_API_SPEC"
REQUIRE_VARIABLE = "REQUIRE_DISCORD_API_SPEC"
SPEC_FILE = "openapi.json"
SPEC_URI = "urn:discord-api-spec:openapi.json"


class NoOperation(LookupError):
    """The stand-in served a route+method that Discord's description does not have."""


class SpecMissing(FileNotFoundError):
    """Bodies must be validated (`REQUIRE_DISCORD_API_SPEC`), but the description is nowhere."""


def _places() -> list[Path]:
    named = os.environ.get(SPEC_VARIABLE)
    return [*([Path(named).expanduser()] if named else []), SHARED / "discord-api-spec"]


def spec_path() -> Path | None:
    """The first description found where we look, in order; None when there is none."""
    for place in _places():
        found = place / SPEC_FILE if place.is_dir() else place
        if found.is_file():
            return found
    return None


def spec_missing() -> str | None:
    """Why bodies cannot be validated, in one sentence; None when the description is here."""
    if spec_path() is not None:
        return None
    looked = " nor at ".join(str(place) for place in _places())
    return (
        f"Discord's OpenAPI description is not at {looked} (set {SPEC_VARIABLE} to its "
        f"path): these checks are skipped and end-to-end request bodies are not validated"
    )


def validating() -> bool:
    """Whether the stand-in can check bodies; raises `SpecMissing` when they must be checked."""
    missing = spec_missing()
    if missing and os.environ.get(REQUIRE_VARIABLE):
        raise SpecMissing(f"{REQUIRE_VARIABLE} is set but {missing[0].lower()}{missing[1:]}")
    return missing is None


@functools.cache
def _spec() -> dict[str, Any]:
    path = spec_path()
    if path is None:
        raise SpecMissing(spec_missing())
    with path.open(encoding="utf-8") as handle:
        spec: dict[str, Any] = json.load(handle)
    return spec


def _as_discord_reads_it(spec: dict[str, Any]) -> dict[str, Any]:
    """The description with one leniency of Discord's real API: a snowflake in a request may be
    a JSON integer as well as a string. The description writes snowflakes as strings (that is
    how Discord returns them), but its server parses both, and discord.py itself sends integers
    (the `id` of each new upload in `attachments`), so refusing them would fail the library,
    not our bot. Every other rule, limits included, stays exactly as published."""
    schemas = dict(spec["components"]["schemas"])
    schemas["SnowflakeType"] = {
        "anyOf": [schemas["SnowflakeType"], {"type": "integer", "minimum": 0}]
    }
    return spec | {"components": spec["components"] | {"schemas": schemas}}


@functools.cache
def _registry() -> Registry[Any]:
    resource: Resource[Any] = DRAFT202012.create_resource(_as_discord_reads_it(_spec()))
    registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
    return registry


def _pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


@functools.cache
def validator_for(route: str, method: str, media_type: str) -> Draft202012Validator | None:
    """The validator for one operation's body, or None when the operation takes no body."""
    operation = _spec()["paths"].get(route, {}).get(method.lower())
    if operation is None:
        raise NoOperation(f"{method} {route} is not in Discord's OpenAPI description")
    content = operation.get("requestBody", {}).get("content", {})
    if media_type not in content:
        return None
    ref = f"{SPEC_URI}#/" + _pointer(
        "paths", route, method.lower(), "requestBody", "content", media_type, "schema"
    )
    return Draft202012Validator({"$ref": ref}, registry=_registry())


def _wrong_kind(error: ValidationError) -> bool:
    """The branch is for another kind of body: wrong JSON type, or a wrong `type` field."""
    path = list(error.relative_path)
    if path == []:
        return bool(error.validator == "type")
    return path == ["type"] and error.validator in ("const", "enum")


def _likely_cause(error: ValidationError) -> ValidationError:
    """For a union, the error inside the branch the body meant (its kind matched)."""
    if not error.context:
        return error
    branches: dict[Any, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    meant = [errors for errors in branches.values() if not any(map(_wrong_kind, errors))]
    if len(meant) == 1:
        return _likely_cause(max(meant[0], key=lambda sub: len(sub.absolute_path)))
    return _likely_cause(best_match(error.context))


def body_errors(route: str, method: str, media_type: str, body: Any) -> list[str]:
    """Every way `body` breaks the schema of `method route`, as readable one-line messages."""
    return list(_errors(route, method, media_type, json.dumps(body, sort_keys=True)))


@functools.lru_cache(maxsize=4096)
def _errors(route: str, method: str, media_type: str, body_json: str) -> tuple[str, ...]:
    """Cached by the body's canonical JSON: a thousand identical answers are checked once."""
    validator = validator_for(route, method, media_type)
    if validator is None:
        return (f"{method} {route} takes no {media_type} body, got one",)
    found = []
    for error in validator.iter_errors(json.loads(body_json)):
        # Unions (`anyOf` of every callback type) report only "is not valid under any of the
        # given schemas"; the branch the body meant says what is actually wrong.
        cause = _likely_cause(error)
        where = "/".join(str(part) for part in cause.absolute_path) or "<body>"
        found.append(f"{method} {route}: {where}: {cause.message[-200:]}")
    return tuple(found)
