"""Decoding and type-checking of Bot API parameters against the vendored ``api.json``.

PTB sends every non-string value JSON-encoded inside a form field (``chat_id='123'``,
``reply_markup='{"inline_keyboard": ...}'``); JSON bodies carry typed values. Both end up as the
same decoded Python values here. Objects are checked recursively: required fields present,
primitive fields of the right type, abstract types resolved through their ``type`` literal.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from telegram_stub.errors import bad_request
from telegram_stub.models import Upload

API_JSON = Path(__file__).with_name("api.json")
_ARRAY = "Array of "
_INTEGER = re.compile(r"-?\d+")
_LITERAL = re.compile(r"\b(?:must be|always) [\"“]?([a-z_]+)[\"”]?")
# Telegram's own wording for a few parameters whose JSON does not parse.
_JSON_ERRORS = {
    "reply_markup": "can't parse reply keyboard markup JSON object",
    "entities": "can't parse entities JSON object",
    "caption_entities": "can't parse entities JSON object",
}
# Fields whose structure is checked by a dedicated module with Telegram's exact messages.
_CHECKED_ELSEWHERE = frozenset({"reply_markup"})


class _MismatchError(Exception):
    """A value does not fit one candidate type; carries the path for the message."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass(frozen=True)
class FieldSpec:
    """One parameter of a method (or one field of an object)."""

    name: str
    types: tuple[str, ...]
    required: bool


@dataclass(frozen=True)
class MethodSpec:
    """A Bot API method as api.json describes it."""

    name: str
    fields: tuple[FieldSpec, ...]
    returns: tuple[str, ...]


def _fields(raw: list[dict[str, Any]]) -> tuple[FieldSpec, ...]:
    return tuple(FieldSpec(f["name"], tuple(f["types"]), bool(f["required"])) for f in raw)


class ApiSpec:
    """The Bot API description: method lookup and parameter decoding."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.version: str = str(data.get("version", ""))
        self._methods = {
            name.lower(): MethodSpec(
                name, _fields(m.get("fields", [])), tuple(m.get("returns", []))
            )
            for name, m in data["methods"].items()
        }
        self._types: dict[str, dict[str, Any]] = data["types"]

    @classmethod
    def load(cls, path: Path = API_JSON) -> ApiSpec:
        """Reads api.json (the vendored copy by default)."""
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def method(self, name: str) -> MethodSpec | None:
        """The method called ``name``, case-insensitively as Telegram matches it."""
        return self._methods.get(name.lower())

    def decode(self, method: MethodSpec, raw: dict[str, Any]) -> dict[str, Any]:
        """Decoded parameters of ``method``; unknown parameters are ignored like Telegram does."""
        decoded: dict[str, Any] = {}
        for field in method.fields:
            value = raw.get(field.name)
            if value is None or value == "":
                if field.required:
                    raise bad_request(_empty_message(field.name))
                continue
            decoded[field.name] = self._decode_param(field, value)
        return decoded

    def _decode_param(self, field: FieldSpec, value: Any) -> Any:
        details: list[str] = []
        for type_name in _ordered(field.types):
            try:
                return self._coerce(type_name, value, field.name, top=True)
            except _MismatchError as exc:
                details.append(exc.detail)
            except json.JSONDecodeError:
                message = _JSON_ERRORS.get(field.name, f"can't parse {field.name} JSON object")
                raise bad_request(message) from None
        raise bad_request(details[0] if len(details) == 1 else _type_message(field))

    def _coerce(self, type_name: str, value: Any, path: str, *, top: bool) -> Any:
        if type_name.startswith(_ARRAY):
            items = json.loads(value) if top and isinstance(value, str) else value
            if not isinstance(items, list):
                raise _MismatchError(f'field "{path}" must be an Array')
            inner = type_name.removeprefix(_ARRAY)
            return [
                self._coerce(inner, item, f"{path}[{i}]", top=False)
                for i, item in enumerate(items)
            ]
        if type_name in _PRIMITIVES:
            return _PRIMITIVES[type_name](value, path, top)
        obj = json.loads(value) if top and isinstance(value, str) else value
        if not isinstance(obj, dict):
            raise _MismatchError(f'field "{path}" must be an Object')
        if path not in _CHECKED_ELSEWHERE:
            self._check_object(type_name, obj, path)
        return obj

    def _check_object(self, type_name: str, obj: dict[str, Any], path: str) -> None:
        spec = self._types.get(type_name)
        if spec is None:
            return
        subtypes: list[str] = spec.get("subtypes", [])
        if subtypes:
            self._check_object(self._pick_subtype(subtypes, obj, path), obj, path)
            return
        for field in _fields(spec.get("fields", [])):
            sub_path = f"{path}.{field.name}"
            if field.name not in obj:
                if field.required:
                    raise _MismatchError(f'field "{sub_path}" is required')
                continue
            details = []
            for candidate in _ordered(field.types):
                try:
                    self._coerce(candidate, obj[field.name], sub_path, top=False)
                    break
                except _MismatchError as exc:
                    details.append(exc.detail)
            else:
                raise _MismatchError(details[0])

    def _pick_subtype(self, subtypes: list[str], obj: dict[str, Any], path: str) -> str:
        literals = {name: _type_literal(self._types, name) for name in subtypes}
        for name, literal in literals.items():
            if literal is not None and obj.get(literal[0]) == literal[1]:
                return name
        if not any(literals.values()):
            # No discriminator in the description: the first subtype that fits wins.
            for name in subtypes:
                try:
                    self._check_object(name, obj, path)
                except _MismatchError:
                    continue
                return name
        raise _MismatchError(f'field "{path}" has an unsupported type')


@cache
def spec() -> ApiSpec:
    """The vendored description, loaded once per process."""
    return ApiSpec.load()


def _type_literal(types: dict[str, dict[str, Any]], name: str) -> tuple[str, str] | None:
    """The discriminating ``(field, value)`` of a concrete subtype, e.g. ``("type", "chat")``."""
    for field in types.get(name, {}).get("fields", []):
        if field["name"] in {"type", "status", "source"}:
            match = _LITERAL.search(field["description"])
            if match:
                return field["name"], match.group(1)
    return None


def _ordered(types: tuple[str, ...]) -> list[str]:
    # "String" accepts anything textual, so every stricter candidate is tried first.
    return sorted(types, key=lambda t: t == "String")


def _empty_message(name: str) -> str:
    return "message text is empty" if name == "text" else f"{name} is empty"


def _type_message(field: FieldSpec) -> str:
    return f'parameter "{field.name}" must be of type {" or ".join(field.types)}'


def _as_integer(value: Any, path: str, top: bool) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if top and isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        return int(value.strip())
    raise _MismatchError(f'field "{path}" must be of type Integer')


def _as_float(value: Any, path: str, top: bool) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if top and isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            pass
        else:
            if math.isfinite(number):
                return number
    raise _MismatchError(f'field "{path}" must be of type Float')


def _as_boolean(value: Any, path: str, top: bool) -> bool:
    if isinstance(value, bool):
        return value
    if top and isinstance(value, str) and value.lower() in {"true", "false", "1", "0"}:
        return value.lower() in {"true", "1"}
    raise _MismatchError(f'field "{path}" must be of type Boolean')


def _as_true(value: Any, path: str, top: bool) -> bool:
    if _as_boolean(value, path, top):
        return True
    raise _MismatchError(f'field "{path}" must be True')


def _as_string(value: Any, path: str, top: bool) -> str:
    if isinstance(value, str):
        return value
    if top and isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise _MismatchError(f'field "{path}" must be of type String')


def _as_upload(value: Any, path: str, top: bool) -> Upload:
    if isinstance(value, Upload):
        return value
    raise _MismatchError(f'field "{path}" must be a file uploaded with multipart/form-data')


_PRIMITIVES: dict[str, Any] = {
    "Integer": _as_integer,
    "Float": _as_float,
    "Boolean": _as_boolean,
    "True": _as_true,
    "String": _as_string,
    "InputFile": _as_upload,
}
