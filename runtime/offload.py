"""Heavy pure work (reading an uploaded file, building a report) in a worker process.

`offload(func, *args, budget=...)` runs `func(*args)` in a fresh process forked from a
forkserver and returns its result, so the event loop that serves every chat never parses a
file. The worker gets a time budget (killed when over) and a memory budget (RLIMIT_AS: an
allocation over it raises MemoryError inside the worker). `func` and its arguments and result
must pickle: a top-level function of an importable module and plain data.

At most `MAX_WORKERS` run at once; further calls wait their turn on a thread of this module's
own pool, never on the event loop nor on the loop's default executor.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import multiprocessing
import resource
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, ParamSpec, TypeVar

logger = logging.getLogger(__name__)

# Two workers at once: the bot runs on a small machine and each worker may use its whole budget.
MAX_WORKERS = 2
# Modules the forkserver imports once, so each worker starts with them loaded (fork is cheap).
PRELOAD = ("services.register_scan",)

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True)
class Budget:
    """What one worker may use: wall-clock seconds and address space in bytes."""

    seconds: float
    memory_bytes: int


class OffloadError(Exception):
    """The worker gave no result."""


class OverBudgetError(OffloadError):
    """The worker ran out of time or memory (`resource` is "time" or "memory")."""

    def __init__(self, resource_name: str) -> None:
        super().__init__(resource_name)
        self.resource = resource_name


class WorkerFailedError(OffloadError):
    """The worker raised an unexpected exception (logged there) or died."""


@functools.cache
def _waiters() -> ThreadPoolExecutor:
    """The threads that wait for workers (one per running worker)."""
    return ThreadPoolExecutor(max_workers=MAX_WORKERS, thread_name_prefix="offload")


@functools.cache
def _context() -> multiprocessing.context.ForkServerContext:
    # Forkserver, not fork: the bot's process has threads (aiosqlite, this pool) and forking it
    # could copy a held lock into the child.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["__main__", *PRELOAD])
    return context


async def offload(
    func: Callable[..., T],
    /,
    *args: Any,
    budget: Budget,
    expected: Sequence[type[Exception]] = (),
) -> T:
    """`func(*args)` computed in a worker process within `budget`.

    Exceptions of the `expected` types are raised here as the worker raised them; any other
    failure raises WorkerFailedError, and running out of budget OverBudgetError.
    """
    loop = asyncio.get_running_loop()
    call = functools.partial(_run, func, args, budget, tuple(expected))
    result: T = await loop.run_in_executor(_waiters(), call)
    return result


def _run(
    func: Callable[..., T],
    args: tuple[Any, ...],
    budget: Budget,
    expected: tuple[type[Exception], ...],
) -> T:
    """Starts the worker, waits for its answer within the time budget, reaps it."""
    receiver, sender = _context().Pipe(duplex=False)
    worker = _context().Process(
        target=_work,
        args=(sender, func, args, budget.memory_bytes, expected),
        name="offload",
        daemon=True,
    )
    worker.start()
    sender.close()
    try:
        outcome = _receive(receiver, budget.seconds)
    finally:
        receiver.close()
        if worker.is_alive():
            worker.kill()
        worker.join()
    kind, value = outcome
    if kind == "ok":
        return value  # type: ignore[no-any-return]
    if kind == "raised":
        raise value
    if kind == "over":
        raise OverBudgetError(value)
    raise WorkerFailedError(value)


def _receive(receiver: Connection, seconds: float) -> tuple[str, Any]:
    if not receiver.poll(seconds):
        logger.warning("worker over its time budget (%.0f s): killed", seconds)
        return "over", "time"
    try:
        outcome: tuple[str, Any] = receiver.recv()
    except (EOFError, OSError):
        # Killed by the kernel, or MemoryError while sending the answer.
        return "failed", "worker died"
    return outcome


def _work(
    sender: Connection,
    func: Callable[..., object],
    args: tuple[Any, ...],
    memory_bytes: int,
    expected: tuple[type[Exception], ...],
) -> None:
    """The worker's body: limits itself, runs `func`, sends what happened."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    try:
        outcome: tuple[str, object] = ("ok", func(*args))
    except MemoryError:
        outcome = ("over", "memory")
    except expected as error:
        outcome = ("raised", error)
    except Exception as error:
        # The type and where, not the message: it may quote a cell of the file.
        where = traceback.extract_tb(error.__traceback__)[-1]
        logger.error(  # noqa: TRY400 - no traceback: its locals and message may hold the file
            "worker failed: %s at %s:%s", type(error).__name__, where.filename, where.lineno
        )
        outcome = ("failed", type(error).__name__)
    try:
        sender.send(outcome)
    except MemoryError:
        sender.send(("over", "memory"))
    finally:
        sender.close()
