"""The control API: JSON over HTTP under ``/control``, mapping onto ``StubOperations``.

File contents travel as base64 (``data_base64``). A user is given as
``{"id", "first_name", "last_name"?, "username"?, "language_code"?}``. Errors answer 400 with
``{"error": "..."}``.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from aiohttp import web
from aiohttp.helpers import content_disposition_header

from telegram_stub.models import JsonDict, StubUser
from telegram_stub.operations import ControlError, StubOperations

if TYPE_CHECKING:
    from collections.abc import Sequence

Endpoint = Callable[[StubOperations, JsonDict, web.Request], Any]
RouteHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _user(body: JsonDict) -> StubUser:
    data = body["user"]
    return StubUser(
        id=int(data["id"]),
        first_name=str(data["first_name"]),
        last_name=data.get("last_name"),
        username=data.get("username"),
        language_code=data.get("language_code"),
    )


def _item(data: JsonDict) -> bytes | str:
    """File content (``data_base64``) or an existing ``file_id``."""
    if "file_id" in data:
        return str(data["file_id"])
    return base64.b64decode(data["data_base64"], validate=True)


def _optional_int(value: Any) -> int | None:
    return None if value is None or value == "" else int(value)


def _reset(ops: StubOperations, body: JsonDict, request: web.Request) -> JsonDict:
    ops.reset()
    return {"ok": True}


def _bot(ops: StubOperations, body: JsonDict, request: web.Request) -> JsonDict:
    return {"me": ops.bot_user(), "webhook_url": ops.state.webhook_url}


def _add_user(ops: StubOperations, body: JsonDict, request: web.Request) -> JsonDict:
    return {"chat_id": ops.add_user(_user({"user": body}))}


def _add_group(ops: StubOperations, body: JsonDict, request: web.Request) -> JsonDict:
    chat_id = ops.create_group(
        body["title"],
        chat_id=_optional_int(body.get("chat_id")),
        chat_type=body.get("type", "group"),
    )
    return {"chat_id": chat_id}


def _chats(ops: StubOperations, body: JsonDict, request: web.Request) -> list[JsonDict]:
    return [
        {
            "chat": c.to_api(),
            "last_message_id": c.last_message_id,
            "blocked": c.id in ops.state.blocked,
        }
        for c in ops.state.chats.values()
    ]


def _chat(ops: StubOperations, body: JsonDict, request: web.Request) -> JsonDict:
    return ops.read_chat(int(request.match_info["chat_id"]))


def _message(ops: StubOperations, body: JsonDict, request: web.Request) -> JsonDict:
    return ops.inject_message(
        _user(body),
        body["text"],
        chat_id=_optional_int(body.get("chat_id")),
        reply_to=_optional_int(body.get("reply_to")),
    ).to_dict()


def _callback(ops: StubOperations, body: JsonDict, request: web.Request) -> JsonDict:
    return ops.press(
        _user(body),
        body.get("button_text"),
        message_id=_optional_int(body.get("message_id")),
        data=body.get("data"),
        chat_id=_optional_int(body.get("chat_id")),
    ).to_dict()


def _location(ops: StubOperations, body: JsonDict, request: web.Request) -> JsonDict:
    latitude, longitude = float(body["latitude"]), float(body["longitude"])
    return ops.inject_location(_user(body), latitude, longitude).to_dict()


def _contact(ops: StubOperations, body: JsonDict, request: web.Request) -> JsonDict:
    return ops.inject_contact(
        _user(body), str(body["phone_number"]), first_name=body.get("first_name")
    ).to_dict()


def _media(ops: StubOperations, body: JsonDict, request: web.Request) -> JsonDict:
    return ops.inject_media(
        _user(body),
        body.get("kind", "photo"),
        _item(body),
        filename=body.get("filename"),
        mime_type=body.get("mime_type"),
        caption=body.get("caption"),
        chat_id=_optional_int(body.get("chat_id")),
    ).to_dict()


def _album(ops: StubOperations, body: JsonDict, request: web.Request) -> list[JsonDict]:
    items: Sequence[bytes | str] = [_item(item) for item in body["items"]]
    injected = ops.inject_album(
        _user(body), items, body.get("kind", "photo"), caption=body.get("caption")
    )
    return [i.to_dict() for i in injected]


def _chat_member(ops: StubOperations, body: JsonDict, request: web.Request) -> JsonDict:
    return ops.inject_chat_member(_user(body), body["status"]).to_dict()


def _pending(ops: StubOperations, body: JsonDict, request: web.Request) -> list[JsonDict]:
    return ops.state.updates.pending


def _upload(ops: StubOperations, body: JsonDict, request: web.Request) -> JsonDict:
    stored = ops.upload_file(
        base64.b64decode(body["data_base64"], validate=True),
        body.get("kind", "document"),
        filename=body.get("filename"),
        mime_type=body.get("mime_type"),
    )
    return {**stored.to_file(), "kind": stored.kind}


def _rate_limit_on(ops: StubOperations, body: JsonDict, request: web.Request) -> JsonDict:
    ops.rate_limit(
        int(body["retry_after"]),
        chat_id=_optional_int(body.get("chat_id")),
        count=_optional_int(body.get("count")),
        methods=body.get("methods"),
    )
    return _switches(ops, body, request)


def _rate_limit_off(ops: StubOperations, body: JsonDict, request: web.Request) -> JsonDict:
    ops.rate_limit_off(_optional_int(request.query.get("chat_id", body.get("chat_id"))))
    return _switches(ops, body, request)


def _block(ops: StubOperations, body: JsonDict, request: web.Request) -> JsonDict:
    ops.set_blocked(int(body["user_id"]), blocked=bool(body.get("blocked", True)))
    return _switches(ops, body, request)


def _flood(ops: StubOperations, body: JsonDict, request: web.Request) -> JsonDict:
    if body.get("enabled", True):
        ops.set_flood_limit(
            int(body.get("global_per_second", 30)), int(body.get("per_chat_per_second", 1))
        )
    else:
        ops.disable_flood_limit()
    return _switches(ops, body, request)


def _hold_confirmations(ops: StubOperations, body: JsonDict, request: web.Request) -> JsonDict:
    ops.hold_confirmations(hold=bool(body.get("hold", True)))
    return _switches(ops, body, request)


def _switches(ops: StubOperations, body: JsonDict, request: web.Request) -> JsonDict:
    limits = ops.state.limits
    flood = limits.flood
    return {
        "rate_limit": limits.global_switch.to_dict() if limits.global_switch else None,
        "chat_rate_limits": {str(k): v.to_dict() for k, v in limits.chat_switches.items()},
        "blocked": sorted(ops.state.blocked),
        "hold_confirmations": ops.state.updates.hold_confirmations,
        "flood": None
        if flood is None
        else {
            "global_per_second": flood.global_per_second,
            "per_chat_per_second": flood.per_chat_per_second,
        },
    }


def _calls(ops: StubOperations, body: JsonDict, request: web.Request) -> list[JsonDict]:
    since = int(request.query.get("since", "0"))
    return [call.to_dict() for call in ops.calls(request.query.get("method"), since)]


def _commands(ops: StubOperations, body: JsonDict, request: web.Request) -> list[JsonDict]:
    return ops.command_menus()


def _callback_answers(ops: StubOperations, body: JsonDict, request: web.Request) -> list[JsonDict]:
    return ops.callback_answers()


ROUTES: list[tuple[str, str, Endpoint]] = [
    ("POST", "/reset", _reset),
    ("GET", "/bot", _bot),
    ("POST", "/users", _add_user),
    ("POST", "/groups", _add_group),
    ("GET", "/chats", _chats),
    ("GET", "/chats/{chat_id}", _chat),
    ("GET", "/updates", _pending),
    ("POST", "/updates/message", _message),
    ("POST", "/updates/callback", _callback),
    ("POST", "/press", _callback),
    ("POST", "/updates/location", _location),
    ("POST", "/updates/contact", _contact),
    ("POST", "/updates/media", _media),
    ("POST", "/updates/album", _album),
    ("POST", "/updates/chat_member", _chat_member),
    ("POST", "/files", _upload),
    ("GET", "/switches", _switches),
    ("POST", "/switches/rate_limit", _rate_limit_on),
    ("DELETE", "/switches/rate_limit", _rate_limit_off),
    ("POST", "/switches/hold_confirmations", _hold_confirmations),
    ("POST", "/switches/block", _block),
    ("POST", "/switches/flood", _flood),
    ("GET", "/calls", _calls),
    ("GET", "/commands", _commands),
    ("GET", "/callback_answers", _callback_answers),
]


async def _download(ops: StubOperations, request: web.Request) -> web.StreamResponse:
    """The bytes of a file by its ``file_id``, as a download named like the file."""
    try:
        stored = ops.read_file(request.match_info["file_id"])
    except ControlError as exc:
        return web.json_response({"error": str(exc)}, status=404)
    name = stored.filename or stored.file_path.rsplit("/", 1)[-1]
    return web.Response(
        body=stored.data,
        content_type=stored.mime_type or "application/octet-stream",
        headers={"Content-Disposition": content_disposition_header("attachment", filename=name)},
    )


async def _body(request: web.Request) -> JsonDict:
    body = await request.json() if request.body_exists else {}
    if not isinstance(body, dict):
        raise ControlError("a JSON object is expected")
    return body


def _route(ops: StubOperations, endpoint: Endpoint) -> RouteHandler:
    async def handle(request: web.Request) -> web.StreamResponse:
        try:
            return web.json_response(endpoint(ops, await _body(request), request))
        except ControlError as exc:
            return web.json_response({"error": str(exc)}, status=400)
        except (KeyError, TypeError, ValueError, binascii.Error) as exc:
            return web.json_response({"error": f"bad control request: {exc!r}"}, status=400)

    return handle


def add_control_routes(
    app: web.Application, ops: StubOperations, prefix: str = "/control"
) -> None:
    """Mounts every control endpoint under ``prefix``."""
    for method, path, endpoint in ROUTES:
        app.router.add_route(method, prefix + path, _route(ops, endpoint))
    app.router.add_route("GET", prefix + "/files/{file_id}", partial(_download, ops))
