"""`python bot.py demo`: the stand-in, the real bot on a fresh sample database, the page.

Everything listens on 127.0.0.1. The bot runs in this process on the same path as `run`
(`bot.serve`: leader lock, polling, the outbox sender, the job registry), with a
`SandboxClock` the page moves. The database lives in a temporary directory removed on exit.
`bot.py` passes in `build_application` and `serve`, so this package never imports `bot`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import signal
import sys
import tempfile
import tomllib
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from aiohttp import web

from config import AppConfig, ConfigError, load_config
from domain.clock import Clock
from handlers.context import GempurApp
from sandbox.clock import SandboxClock
from sandbox.personas import Personas
from sandbox.safety import UnsafeSandboxError, demo_config, ensure_loopback, ensure_safe
from sandbox.web import Sandbox, build_web_app
from sandbox.world import KOPERASI_COUNT, build_world
from telegram_stub import BotApiStub

logger = logging.getLogger(__name__)

HOST = "127.0.0.1"
WEB_PORT = 8090
EXIT_CANNOT_START = 2
STARTUP_POLLS = 1_000  # of 10 ms: how long the bot may take to start polling


class Build(Protocol):
    def __call__(self, cfg: AppConfig, *, clock: Clock | None = None) -> GempurApp: ...


Serve = Callable[[GempurApp, asyncio.Event], Coroutine[Any, Any, int]]


@dataclass(frozen=True)
class DemoOptions:
    """Where the page listens, what config lends the region and rules, how big the world is."""

    config_path: Path | None = None
    web_port: int = WEB_PORT
    stub_port: int = 0
    koperasi: int = KOPERASI_COUNT
    host: str = HOST


@dataclass(frozen=True)
class RunningDemo:
    """The started sandbox: its page's address and the parts tests look at."""

    url: str
    sandbox: Sandbox
    cfg: AppConfig
    directory: Path


def base_config(path: Path | None) -> tuple[dict[str, Any], str | None]:
    """The config file's sections (the example's when there is none) and the production
    database it names (with the environment's override), which the sandbox must not touch."""
    example = Path(__file__).resolve().parents[1] / "config.example.toml"
    chosen = path if path is not None and path.exists() else example
    raw = tomllib.loads(chosen.read_text(encoding="utf-8"))
    production = None
    if path is not None and path.exists():
        with contextlib.suppress(ConfigError):
            production = load_config(path).database.url
    return raw, production


@contextlib.asynccontextmanager
async def running_demo(
    options: DemoOptions, build: Build, serve: Serve
) -> AsyncIterator[RunningDemo]:
    """Starts the stand-in, the sample world, the bot and the page; stops all on exit."""
    ensure_loopback(options.host)
    raw, production = base_config(options.config_path)
    clock = SandboxClock()
    directory = Path(tempfile.mkdtemp(prefix="gempur-demo-"))
    stub = BotApiStub(host=options.host, port=options.stub_port, wall_clock=clock.timestamp)
    try:
        await stub.start()
        cfg = demo_config(raw, stub, directory)
        ensure_safe(cfg, production)
        world = await build_world(cfg, clock, directory, koperasi=options.koperasi)
        app = build(cfg, clock=clock)
        async with _bot_serving(app, serve):
            sandbox = Sandbox(stub, app, clock, world, Personas(world))
            async with _web(sandbox, options) as url:
                yield RunningDemo(url, sandbox, cfg, directory)
    finally:
        await stub.stop()
        shutil.rmtree(directory, ignore_errors=True)


@contextlib.asynccontextmanager
async def _bot_serving(app: GempurApp, serve: Serve) -> AsyncIterator[None]:
    stop = asyncio.Event()
    task = asyncio.create_task(serve(app, stop))
    try:
        for _ in range(STARTUP_POLLS):
            if task.done() or (app.updater is not None and app.updater.running and app.running):
                break
            await asyncio.sleep(0.01)
        if task.done():
            task.result()  # raises what broke start-up
            raise RuntimeError("the bot stopped during start-up")
        yield
    finally:
        stop.set()
        await task


@contextlib.asynccontextmanager
async def _web(sandbox: Sandbox, options: DemoOptions) -> AsyncIterator[str]:
    runner = web.AppRunner(build_web_app(sandbox), shutdown_timeout=1.0, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, options.host, options.web_port)
        await site.start()
        port = int(runner.addresses[0][1])
        yield f"http://{options.host}:{port}/"
    finally:
        await runner.cleanup()


async def serve_demo(options: DemoOptions, build: Build, serve: Serve) -> int:
    """Runs the sandbox until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    print("starting the sandbox: stand-in, sample database, bot …", flush=True)
    try:
        async with running_demo(options, build, serve) as demo:
            stub = demo.sandbox.stub
            print(f"Bot API stand-in on {stub.url}; database {demo.cfg.database.url}", flush=True)
            print(f"Gempur sandbox ready: open {demo.url} (Ctrl-C stops it)", flush=True)
            await stop.wait()
            print("stopping the sandbox …", flush=True)
    except OSError as exc:  # a port in use, above all
        print(f"the sandbox could not start: {exc} (another --port?)", file=sys.stderr)
        return EXIT_CANNOT_START
    except UnsafeSandboxError as exc:
        print(f"the sandbox refused to start: {exc}", file=sys.stderr)
        return EXIT_CANNOT_START
    except tomllib.TOMLDecodeError as exc:
        print(f"{options.config_path}: not valid TOML: {exc}", file=sys.stderr)
        return EXIT_CANNOT_START
    except ConfigError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_CANNOT_START
    print("sandbox stopped", flush=True)
    return 0
