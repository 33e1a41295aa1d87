"""The HTTP client under every Bot API call: aiohttp behind PTB's `BaseRequest` interface.

PTB's default client (httpx over httpcore and anyio) costs about 1.2 ms of CPU per request on
our machine; aiohttp about 0.15 ms (`bench/http_client.py`). Every reply, every outbox row and
every poll is a request, so the client is a large share of the bot's work per update.

Semantics follow PTB's `HTTPXRequest`, so the rest of the bot cannot tell them apart:

- parameters go as one JSON body (files as multipart/form-data, parameters as JSON fields);
- at most `connections` requests in flight; a request that cannot get a connection within
  `pool_timeout` fails with `TimedOut` before anything is sent;
- timeouts raise `TimedOut`, other transport failures `NetworkError`; the status code and
  body of every answer go back to PTB, which maps Telegram's errors.

A write timeout has no separate knob in aiohttp: the connect, write and read timeouts together
bound the whole exchange instead.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

_POOL_TIMEOUT_MESSAGE = (
    "Pool timeout: all connections are in use. The request was not sent to Telegram; "
    "consider more [telegram] connections or a longer connection_wait_seconds."
)


class AiohttpRequest(BaseRequest):
    """Bot API requests through one aiohttp session with a bounded connection pool."""

    def __init__(
        self,
        *,
        connections: int = 8,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._connections = connections
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._slots = asyncio.Semaphore(connections)
        self._session: aiohttp.ClientSession | None = None

    @property
    def connections(self) -> int:
        """Requests in flight at most."""
        return self._connections

    @property
    def pool_timeout(self) -> float | None:
        """How long a request waits for a free connection."""
        return self._pool_timeout

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout (PTB adds the long-poll timeout to it for getUpdates)."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Opens the session (idempotent)."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._connections)
            self._session = aiohttp.ClientSession(connector=connector)

    async def shutdown(self) -> None:
        """Closes the session and its connections (idempotent)."""
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Sends one request; returns Telegram's status code and body."""
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        files = bool(request_data and request_data.contains_files)
        default_write = self._media_write_timeout if files else self._write_timeout
        timeout = aiohttp.ClientTimeout(
            total=_sum(
                _value(connect_timeout, self._connect_timeout),
                _value(write_timeout, default_write),
                _value(read_timeout, self._read_timeout),
            ),
            sock_connect=_value(connect_timeout, self._connect_timeout),
            sock_read=_value(read_timeout, self._read_timeout),
        )
        if self._slots.locked():  # every connection in use: wait, at most pool_timeout
            try:
                async with asyncio.timeout(_value(pool_timeout, self._pool_timeout)):
                    await self._slots.acquire()
            except TimeoutError:
                raise TimedOut(_POOL_TIMEOUT_MESSAGE) from None
        else:  # taken at once, without a timer on the loop for each request
            await self._slots.acquire()
        try:
            body, headers = _body(request_data)
            async with session.request(
                method,
                url,
                data=body,
                headers={"User-Agent": self.USER_AGENT, **headers},
                timeout=timeout,
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error
        finally:
            self._slots.release()


def _body(request_data: RequestData | None) -> tuple[Any, dict[str, str]]:
    """JSON for plain calls; multipart with the parameters as fields when files go along."""
    if request_data is None:
        return None, {}
    if not request_data.contains_files:
        return request_data.json_payload, {"Content-Type": "application/json"}
    form = aiohttp.FormData(quote_fields=False)
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mime_type) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mime_type)
    return form, {}


def _value(given: ODVInput[float], default: float | None) -> float | None:
    """A per-call timeout if the caller passed one (None means "no limit"), else ours."""
    return default if isinstance(given, DefaultValue) else given


def _sum(*parts: float | None) -> float | None:
    """The bound of the whole exchange; none if any part is unbounded."""
    if any(part is None for part in parts):
        return None
    return sum(part for part in parts if part is not None)
