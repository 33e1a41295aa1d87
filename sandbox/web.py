"""The page's server: static files and a small JSON API that acts through the stand-in's
control operations (inject a message, press a button, send a file, read a chat) as a persona.

Only personas the sandbox knows can be acted as; the page never reaches the stand-in itself.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from domain.access import Role
from handlers.context import GempurApp
from sandbox.clock import SandboxClock
from sandbox.clock_control import add_clock_routes
from sandbox.menus import chat_menu
from sandbox.personas import Persona, Personas
from sandbox.world import SampleWorld, mint_invite, refresh_menu
from telegram_stub import BotApiStub, ControlError

PAGE = Path(__file__).with_name("page")
JsonHandler = Callable[[web.Request], Awaitable[Any]]


@dataclass(frozen=True)
class Sandbox:
    """Everything the page's API acts on."""

    stub: BotApiStub
    app: GempurApp
    clock: SandboxClock
    world: SampleWorld
    personas: Personas


class BadRequestError(Exception):
    """The page asked for something the sandbox does not do (answered 400)."""


def build_web_app(sandbox: Sandbox) -> web.Application:
    """The aiohttp application of the page and its API."""
    app = web.Application(client_max_size=60 * 1024 * 1024)
    api = _Api(sandbox)
    app.router.add_get("/", _index)
    app.router.add_static("/static", PAGE)
    for method, path, handler in (
        ("GET", "/api/state", api.state),
        ("POST", "/api/newcomer", api.newcomer),
        ("POST", "/api/open", api.open),
        ("GET", "/api/chat/{user_id}", api.chat),
        ("POST", "/api/send", api.send),
        ("POST", "/api/press", api.press),
        ("POST", "/api/location", api.location),
        ("POST", "/api/contact", api.contact),
        ("POST", "/api/media", api.media),
        ("POST", "/api/album", api.album),
    ):
        app.router.add_route(method, path, json_route(handler))
    app.router.add_get("/api/file/{file_id}", api.file)
    add_clock_routes(app, sandbox.app, sandbox.clock)
    return app


async def _index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(PAGE / "index.html")


def json_route(handler: JsonHandler) -> Callable[[web.Request], Awaitable[web.Response]]:
    """Answers the handler's result as JSON; bad requests with 400 and the reason."""

    async def handle(request: web.Request) -> web.Response:
        try:
            return web.json_response(await handler(request))
        except (BadRequestError, ControlError) as exc:
            return web.json_response({"error": str(exc)}, status=400)
        except (KeyError, TypeError, ValueError, binascii.Error) as exc:
            return web.json_response({"error": f"bad request: {exc!r}"}, status=400)

    return handle


async def _body(request: web.Request) -> dict[str, Any]:
    body = await request.json()
    if not isinstance(body, dict):
        raise BadRequestError("a JSON object is expected")
    return body


class _Api:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.stub = sandbox.stub

    def _persona(self, value: object) -> Persona:
        persona = self.sandbox.personas.get(int(str(value)))
        if persona is None:
            raise BadRequestError(f"no persona with id {value}")
        return persona

    async def state(self, request: web.Request) -> dict[str, Any]:
        """The personas to pick from and the bot's name."""
        return {
            "bot": self.stub.bot_user(),
            "personas": [p.to_json() for p in self.sandbox.personas.all()],
            "koperasi": [
                {"key": k.key, "nama": k.nama, "kecamatan": k.kecamatan}
                for k in sorted(self.sandbox.world.koperasi.values(), key=lambda k: k.nama)
            ],
        }

    async def newcomer(self, request: web.Request) -> dict[str, Any]:
        """A new person holding a fresh invite: an officer's, or a board seat's."""
        body = await _body(request)
        role = Role(body.get("role", Role.PETUGAS.value))
        key = body.get("koperasi_key") if role is Role.PENGURUS else None
        invite = await mint_invite(self.sandbox.app.bot_data.services, role, key)
        if invite is None:
            raise BadRequestError("no such cooperative for a board invite")
        detail = f"undangan {role.value}" + (f", {invite.koperasi_nama}" if key else "")
        return self.sandbox.personas.add_newcomer(invite.code, detail).to_json()

    async def open(self, request: web.Request) -> dict[str, Any]:
        """Opens the persona's chat and sets its command menu for their roles."""
        persona = self._persona((await _body(request))["user_id"])
        chat_id = self.stub.add_user(persona.stub_user())
        services = self.sandbox.app.bot_data.services
        await refresh_menu(services, persona.user_id, services.clock.now())
        return {"chat_id": chat_id}

    async def chat(self, request: web.Request) -> dict[str, Any]:
        """The chat's messages (both directions) and the command menu the bot set for it."""
        persona = self._persona(request.match_info["user_id"])
        try:
            messages = self.stub.read_chat(persona.user_id)["messages"]
        except ControlError:
            messages = []  # not opened yet
        menu = chat_menu(self.stub.command_menus(), persona.user_id, "id")
        return {"messages": messages, "commands": menu}

    async def send(self, request: web.Request) -> dict[str, Any]:
        body = await _body(request)
        persona = self._persona(body["user_id"])
        return self.stub.inject_message(persona.stub_user(), str(body["text"])).to_dict()

    async def press(self, request: web.Request) -> dict[str, Any]:
        body = await _body(request)
        persona = self._persona(body["user_id"])
        return self.stub.press(
            persona.stub_user(), None, message_id=int(body["message_id"]), data=str(body["data"])
        ).to_dict()

    async def location(self, request: web.Request) -> dict[str, Any]:
        body = await _body(request)
        persona = self._persona(body["user_id"])
        latitude, longitude = float(body["latitude"]), float(body["longitude"])
        return self.stub.inject_location(persona.stub_user(), latitude, longitude).to_dict()

    async def contact(self, request: web.Request) -> dict[str, Any]:
        body = await _body(request)
        persona = self._persona(body["user_id"])
        # The persona's own number, as a "share my contact" button sends it.
        return self.stub.inject_contact(persona.stub_user(), str(body["phone_number"])).to_dict()

    async def media(self, request: web.Request) -> dict[str, Any]:
        """A photo, document or voice note from the persona."""
        body = await _body(request)
        persona = self._persona(body["user_id"])
        return self.stub.inject_media(
            persona.stub_user(),
            str(body["kind"]),
            base64.b64decode(body["data_base64"], validate=True),
            filename=body.get("filename"),
            mime_type=body.get("mime_type"),
            caption=body.get("caption") or None,
        ).to_dict()

    async def album(self, request: web.Request) -> list[dict[str, Any]]:
        """Several photos (or documents) sent together."""
        body = await _body(request)
        persona = self._persona(body["user_id"])
        items = [base64.b64decode(item, validate=True) for item in body["items"]]
        injected = self.stub.inject_album(
            persona.stub_user(),
            list(items),
            str(body.get("kind", "photo")),
            caption=body.get("caption") or None,
        )
        return [i.to_dict() for i in injected]

    async def file(self, request: web.Request) -> web.Response:
        """A file of the chat (one the bot sent, or the persona), to show or download."""
        try:
            stored = self.stub.read_file(request.match_info["file_id"])
        except ControlError as exc:
            return web.json_response({"error": str(exc)}, status=404)
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )
