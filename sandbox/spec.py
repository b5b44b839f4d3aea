"""The Bot API description (``spec/api.json``) and checks against it.

Why: the stand-in must answer with exactly the shapes the real Bot API documents, and the bot
must only call methods/fields that exist. Both are checked against the same machine-readable
description, loaded from inside the package so nothing outside ``sandbox/`` is needed.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

SPEC_PATH = Path(__file__).with_name("spec") / "api.json"

PRIMITIVES = {"Integer", "Float", "String", "Boolean", "True"}


@lru_cache(maxsize=1)
def load_spec() -> dict[str, Any]:
    """The parsed api.json (cached; treat as read-only)."""
    with SPEC_PATH.open(encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=1)
def _methods_by_lower() -> dict[str, str]:
    # Telegram method names are case-insensitive: map lower-case name -> canonical name.
    return {name.lower(): name for name in load_spec()["methods"]}


def canonical_method(name: str) -> str | None:
    """Canonical spelling of a method name (case-insensitive), or None if api.json lacks it."""
    return _methods_by_lower().get(name.lower())


def method_fields(method: str) -> dict[str, dict[str, Any]]:
    """Field descriptions of a method, keyed by field name ({} for unknown methods)."""
    canon = canonical_method(method)
    if canon is None:
        return {}
    return {f["name"]: f for f in load_spec()["methods"][canon].get("fields", [])}


def method_returns(method: str) -> list[str]:
    canon = canonical_method(method)
    if canon is None:
        return []
    return list(load_spec()["methods"][canon]["returns"])


def type_spec(name: str) -> dict[str, Any] | None:
    return load_spec()["types"].get(name)


def check_call(method: str, params: dict[str, Any]) -> list[str]:
    """Problems with a bot call: unknown method, unknown parameter, missing required parameter.

    The real Telegram silently ignores unknown fields, so callers only record these.
    """
    canon = canonical_method(method)
    if canon is None:
        return [f"unknown method {method!r}"]
    fields = method_fields(canon)
    problems = [f"{canon}: unknown parameter {name!r}" for name in params if name not in fields]
    problems += [
        f"{canon}: missing required parameter {name!r}"
        for name, f in fields.items()
        if f["required"] and params.get(name) is None
    ]
    return problems


def validate(value: Any, types: str | list[str], path: str = "$") -> list[str]:
    """Check ``value`` against one type expression or a union (list) of them, recursively.

    Type expressions are as in api.json: primitives, ``Array of X`` (nestable) and type names;
    abstract types (with ``subtypes``) accept any of their subtypes. Returns problems ([] = ok).
    """
    alternatives = [types] if isinstance(types, str) else list(types)
    best: list[str] | None = None
    for alt in alternatives:
        problems = _validate_one(value, alt, path)
        if not problems:
            return []
        if best is None or len(problems) < len(best):
            best = problems
    if len(alternatives) > 1 and best is not None:
        return [f"{path}: matches none of {' or '.join(alternatives)}; closest: {best[0]}"]
    return best or []


def _validate_one(value: Any, texpr: str, path: str) -> list[str]:
    if texpr.startswith("Array of "):
        if not isinstance(value, list):
            return [f"{path}: expected {texpr}, got {type(value).__name__}"]
        inner = texpr[len("Array of ") :]
        problems: list[str] = []
        for i, item in enumerate(value):
            problems += _validate_one(item, inner, f"{path}[{i}]")
        return problems
    if texpr in PRIMITIVES:
        return [] if _primitive_ok(value, texpr) else [f"{path}: expected {texpr}, got {value!r}"]
    tspec = type_spec(texpr)
    if tspec is None:
        return [f"{path}: unknown type {texpr!r} in spec"]
    if tspec.get("subtypes"):
        return validate(value, tspec["subtypes"], path)
    if texpr == "InputFile":
        return []  # only ever appears in requests
    if not isinstance(value, dict):
        return [f"{path}: expected {texpr} object, got {type(value).__name__}"]
    fields = {f["name"]: f for f in tspec.get("fields", [])}
    problems = [f"{path}: {texpr} has no field {key!r}" for key in value if key not in fields]
    for name, f in fields.items():
        if name not in value:
            if f["required"]:
                problems.append(f"{path}: {texpr} lacks required field {name!r}")
            continue
        problems += validate(value[name], f["types"], f"{path}.{name}")
    return problems


def _primitive_ok(value: Any, texpr: str) -> bool:
    # bool is a subclass of int in Python; Telegram's Integer never means a boolean.
    if texpr == "Integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if texpr == "Float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if texpr == "String":
        return isinstance(value, str)
    if texpr == "Boolean":
        return isinstance(value, bool)
    return value is True  # "True"


def validate_result(method: str, result: Any) -> list[str]:
    """Check a method's ``result`` against the return type(s) api.json gives for it."""
    returns = method_returns(method)
    if not returns:
        return [f"unknown method {method!r}"]
    return validate(result, returns, f"{canonical_method(method)}()")


def coerce_param(method: str, name: str, value: Any) -> Any:
    """Turn a form/query string into the value the field's declared type implies.

    Why: python-telegram-bot sends every parameter as a form field whose value is the JSON
    encoding (numbers, booleans, objects) or the raw string (strings); JSON bodies may also carry
    JSON-in-a-string for objects such as reply_markup.
    """
    if not isinstance(value, str):
        return value
    field = method_fields(method).get(name)
    types: list[str] = field["types"] if field else []
    if types and all(t == "String" for t in types):
        return value
    if "InputFile" in types and value[:1] not in ("{", "["):
        return value  # a file_id, a URL or attach://name
    if not types and value[:1] not in ("{", "["):
        return value  # unknown field: only decode obvious JSON
    try:
        return json.loads(value)
    except ValueError:
        return value
