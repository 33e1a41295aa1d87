"""The aiohttp application: Bot API routes, file downloads and the control API, on loopback.

Usage::

    async with BotApiStub() as stub:
        bot = telegram.Bot(stub.token, base_url=stub.bot_base_url,
                           base_file_url=stub.file_base_url)
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from aiohttp import web

from telegram_stub.control import add_control_routes
from telegram_stub.errors import ApiError, bad_request, not_found, unauthorized
from telegram_stub.limits import Clock, FileLimits
from telegram_stub.methods import Call, handler_for
from telegram_stub.methods.media import entity_too_large
from telegram_stub.models import JsonDict, Upload
from telegram_stub.operations import StubOperations
from telegram_stub.state import StubState, summarize
from telegram_stub.validation import ApiSpec, spec

DEFAULT_TOKEN = "123456:TEST-TOKEN"  # noqa: S105 - a fixed test token, not a secret
DEFAULT_USERNAME = "gempur_test_bot"
_FORMS = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
_MULTIPART_SLACK = 2 * 1024 * 1024
_LOGGER = logging.getLogger(__name__)


class BotApiStub(StubOperations):
    """A Bot API stand-in serving one bot token; control operations are methods too."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        username: str = DEFAULT_USERNAME,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Clock = time.monotonic,
        wall_clock: Clock = time.time,
        file_limits: FileLimits | None = None,
        api: ApiSpec | None = None,
    ) -> None:
        self.token = token
        self.state = StubState(token, username, clock=clock, wall_clock=wall_clock)
        self.file_limits = file_limits or FileLimits()
        self.api = api or spec()
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None

    # --- lifecycle ---------------------------------------------------------------------------

    def build_app(self) -> web.Application:
        """The aiohttp application (started by ``start`` or by ``web.run_app``)."""
        app = web.Application(client_max_size=self.file_limits.upload + _MULTIPART_SLACK)
        app.router.add_route("GET", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("POST", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("GET", "/file/bot{token}/{file_path:.+}", self._handle_download)
        add_control_routes(app, self)
        app.on_shutdown.append(self._on_shutdown)
        return app

    async def start(self) -> None:
        """Listens on ``host:port``; with port 0 the chosen port is stored in ``self.port``."""
        runner = web.AppRunner(self.build_app(), shutdown_timeout=1.0, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self.port = int(runner.addresses[0][1])
        self._runner = runner

    async def stop(self) -> None:
        """Releases waiting long polls and closes the listener."""
        self.state.updates.shutdown()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotApiStub:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _on_shutdown(self, _app: web.Application) -> None:
        self.state.updates.shutdown()

    # --- addresses ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """``http://host:port`` of the running server."""
        return f"http://{self.host}:{self.port}"

    @property
    def bot_base_url(self) -> str:
        """PTB's ``base_url`` (PTB appends the token)."""
        return f"{self.url}/bot"

    @property
    def file_base_url(self) -> str:
        """PTB's ``base_file_url`` (PTB appends the token)."""
        return f"{self.url}/file/bot"

    @property
    def api_url(self) -> str:
        """``.../bot<token>``: append ``/<method>`` for a raw Bot API call."""
        return f"{self.url}/bot{self.token}"

    @property
    def control_url(self) -> str:
        """Root of the control API."""
        return f"{self.url}/control"

    # --- Bot API -----------------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.Response:
        exchange = _Exchange(request.match_info["method"])
        try:
            result = await self._dispatch(request, exchange)
            status, body = 200, {"ok": True, "result": result}
            summary: JsonDict = {"ok": True, "result": summarize(result)}
        except ApiError as exc:
            status, body = exc.code, exc.envelope()
            summary = body
        except Exception:
            # A stub bug must not look like a Telegram refusal: answer 500 and keep the trace.
            _LOGGER.exception("telegram_stub failed on %s", exchange.method)
            status = 500
            body = summary = {"ok": False, "error_code": 500, "description": "Internal Error"}
        self.state.record_call(
            exchange.method, exchange.logged_params(), exchange.files(), status, summary
        )
        return web.json_response(body, status=status)

    async def _dispatch(self, request: web.Request, exchange: _Exchange) -> Any:
        """Authenticates, decodes and validates the request, then runs the method."""
        if request.match_info["token"] != self.token:
            raise unauthorized()
        method_spec = self.api.method(exchange.method)
        if method_spec is None:
            raise not_found()
        exchange.method = method_spec.name
        exchange.raw, exchange.uploads = await _read_params(request)
        params = exchange.params = self.api.decode(method_spec, exchange.raw)
        chat_id = params.get("chat_id")
        self.state.limits.check_switch(
            method_spec.name, chat_id if isinstance(chat_id, int) else None
        )
        call = Call(self.state, method_spec, params, exchange.uploads, self.file_limits)
        return await handler_for(method_spec.name)(call)

    async def _handle_download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            error = unauthorized()
            return web.json_response(error.envelope(), status=error.code)
        stored = self.state.file_by_path(request.match_info["file_path"])
        if stored is None:
            error = not_found()
            return web.json_response(error.envelope(), status=error.code)
        content_type = stored.mime_type or "application/octet-stream"
        return web.Response(body=stored.data, content_type=content_type)


async def _read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
    """Query string plus a JSON, url-encoded or multipart body, as raw (undecoded) values."""
    raw: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if not request.body_exists:
        return raw, uploads
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise bad_request("can't parse JSON object") from None
        if not isinstance(body, dict):
            raise bad_request("can't parse JSON object")
        raw.update(body)
    elif request.content_type in _FORMS:
        try:
            form = await request.post()
        except web.HTTPRequestEntityTooLarge:
            raise entity_too_large() from None
        for key, value in form.items():
            if isinstance(value, web.FileField):
                upload = Upload(key, value.filename, value.content_type, value.file.read())
                raw[key] = uploads[key] = upload
            else:
                raw[key] = value
    return raw, uploads


@dataclass
class _Exchange:
    """One Bot API request as far as it got, for the call log."""

    method: str
    raw: dict[str, Any] = field(default_factory=dict)
    uploads: dict[str, Upload] = field(default_factory=dict)
    params: dict[str, Any] | None = None

    def logged_params(self) -> JsonDict:
        """Decoded parameters (raw ones if decoding failed), uploads as name and size."""
        params = self.params if self.params is not None else self.raw
        return {
            key: {"upload": value.filename, "size": len(value.data)}
            if isinstance(value, Upload)
            else value
            for key, value in params.items()
        }

    def files(self) -> list[JsonDict]:
        """The multipart file parts."""
        return [
            {"field": u.field, "filename": u.filename, "size": len(u.data)}
            for u in self.uploads.values()
        ]
