"""Heavy pure work (reading an uploaded file, building a report) in a worker process.

`offload(func, *args, budget=...)` runs `func(*args)` in a fresh Python process
(`python -m runtime.offload`, the call pickled on its standard input, the outcome on its
standard output) and returns its result, so the event loop that serves every chat never
parses a file. The worker gets a time budget (killed when over) and a memory budget
(RLIMIT_AS: an allocation over it raises MemoryError inside the worker). `func` and its
arguments and result must pickle: a top-level function of an importable module, plain data.

A fresh interpreter, not multiprocessing's fork or spawn: forking a process with threads
(aiosqlite's, this pool's) may copy a held lock, and multiprocessing's children re-import the
main script (bot.py and all of python-telegram-bot) before they start.

At most `MAX_WORKERS` run at once; further calls wait their turn on a thread of this module's
own pool, never on the event loop nor on the loop's default executor.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import pickle
import resource
import subprocess
import sys
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, BinaryIO, TypeVar

logger = logging.getLogger(__name__)

# Two workers at once: the bot runs on a small machine and each worker may use its whole budget.
MAX_WORKERS = 2
# Added to a worker's nice value: the event loop's process wins the CPU when both want it.
WORKER_NICENESS = 10

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
    call = pickle.dumps((func, args, budget.memory_bytes, expected))
    # The worker imports what the bot imports, from where the bot imports it; it needs none of
    # the bot's settings (the token among them).
    env = {key: value for key, value in os.environ.items() if not key.startswith("GEMPUR_")}
    env["PYTHONPATH"] = os.pathsep.join(path for path in sys.path if path)
    with subprocess.Popen(
        [sys.executable, "-m", "runtime.offload"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
    ) as worker:
        try:
            answer, _ = worker.communicate(call, timeout=budget.seconds)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.communicate()
            logger.warning("worker over its time budget (%.0f s): killed", budget.seconds)
            raise OverBudgetError("time") from None
    try:
        kind, value = pickle.loads(answer)  # noqa: S301 - our own worker's answer
    except (EOFError, pickle.UnpicklingError):
        # Killed by the kernel, or out of memory while sending the answer.
        raise WorkerFailedError("worker died") from None
    if kind == "ok":
        return value  # type: ignore[no-any-return]
    if kind == "raised":
        raise value
    if kind == "over":
        raise OverBudgetError(value)
    raise WorkerFailedError(value)


def _outcome(stdin: BinaryIO) -> tuple[str, object]:
    """Reads the call, limits this process, runs it: what happened, to send back."""
    func, args, memory_bytes, expected = pickle.load(stdin)  # noqa: S301 - from the bot
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    try:
        return "ok", func(*args)
    except MemoryError:
        return "over", "memory"
    except expected as error:
        return "raised", error
    except Exception as error:
        # The type and where, not the message: it may quote a cell of the file.
        where = traceback.extract_tb(error.__traceback__)[-1]
        logger.error(  # noqa: TRY400 - no traceback: its locals and message may hold the file
            "worker failed: %s at %s:%s", type(error).__name__, where.filename, where.lineno
        )
        return "failed", type(error).__name__


def serve() -> None:
    """The worker's body (`python -m runtime.offload`), at a lower CPU priority than the bot:
    on a small machine the chats come first, the file or chart a little later."""
    os.nice(WORKER_NICENESS)
    outcome = _outcome(sys.stdin.buffer)
    try:
        answer = pickle.dumps(outcome)
    except MemoryError:
        answer = pickle.dumps(("over", "memory"))
    sys.stdout.buffer.write(answer)
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    serve()
