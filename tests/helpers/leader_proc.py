"""A stand-in for ``bot.py run``'s leadership part, run as a real OS process by the e2e tests.

    python -m tests.helpers.leader_proc DATABASE_URL [--ttl 3] [--retry 0.5] [--renew 1]

Prints one word per line on stdout as its state changes: ``standby``, ``leader``, ``lost``
(then exits 3), ``released`` (after SIGTERM or SIGINT, then exits 0). Logs go to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from datetime import timedelta

from runtime.clock import SystemClock
from runtime.leader import (
    LEASE_TTL,
    RENEW_SECONDS,
    RENEW_TIMEOUT_SECONDS,
    RETRY_SECONDS,
    keep_leadership,
    leader_lock_for,
    wait_for_leadership,
)
from storage.engine import create_engine

EXIT_LOST = 3


def _say(word: str) -> None:
    # Flushed at once: the test reads the pipe line by line while we keep running.
    print(word, flush=True)


async def _run(args: argparse.Namespace) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    engine = create_engine(args.url)
    lock = leader_lock_for(engine, SystemClock(), ttl=timedelta(seconds=args.ttl))
    try:
        # One probe first, only so the test can see this process standing by.
        if not await lock.try_acquire():
            _say("standby")
            if not await wait_for_leadership(lock, stop, retry_seconds=args.retry):
                return 0
        _say("leader")
        lost = asyncio.Event()
        await keep_leadership(
            lock, stop, lost, renew_seconds=args.renew, renew_timeout=args.renew_timeout
        )
        if lost.is_set():
            _say("lost")
            return EXIT_LOST
        return 0
    finally:
        await lock.release()
        await engine.dispose()
        if stop.is_set():
            _say("released")


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments and run until stopped or leadership is lost."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url", help="sqlite+aiosqlite:///... or postgresql+asyncpg://...")
    parser.add_argument("--ttl", type=float, default=LEASE_TTL.total_seconds())
    parser.add_argument("--retry", type=float, default=RETRY_SECONDS)
    parser.add_argument("--renew", type=float, default=RENEW_SECONDS)
    parser.add_argument("--renew-timeout", type=float, default=RENEW_TIMEOUT_SECONDS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(name)s %(message)s")
    return asyncio.run(_run(args))


if __name__ == "__main__":
    sys.exit(main())
