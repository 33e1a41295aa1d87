"""The sandbox for tests: the whole of `bot.py demo` in-process, on a small sample world."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from bot import build_application, serve
from sandbox.demo import DemoOptions, RunningDemo, running_demo
from storage.engine import create_engine, session_factory
from storage.uow import UnitOfWork

SMALL_WORLD = 120  # cooperatives: every kecamatan, a few dozen board members


@contextlib.asynccontextmanager
async def small_demo(koperasi: int = SMALL_WORLD) -> AsyncIterator[RunningDemo]:
    """The stand-in, the bot and the page on free loopback ports."""
    options = DemoOptions(web_port=0, koperasi=koperasi)
    async with running_demo(options, build_application, serve) as demo:
        yield demo


@contextlib.asynccontextmanager
async def demo_uow(demo: RunningDemo) -> AsyncIterator[UnitOfWork]:
    """A read-only unit of work on the sandbox's database, from an engine of the test's own."""
    engine = create_engine(demo.cfg.database.url)
    try:
        async with UnitOfWork(session_factory(engine), write=False) as uow:
            yield uow
    finally:
        await engine.dispose()
