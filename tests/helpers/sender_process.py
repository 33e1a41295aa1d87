"""The paced sender as a separate process, for the SIGKILL test (and to measure throughput).

    python -m tests.helpers.sender_process --db URL --stub URL --rate 200 --offset SECONDS

Recovers, sends until no row is pending or claimed, then prints one JSON line to stdout:
the recovery report, what this run sent, its duration and effective rate.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from datetime import timedelta
from zoneinfo import ZoneInfo

import telegram

from config import DeliveryConfig
from services.outbox import OutboxSender, PtbBotApi, default_holder
from storage.engine import create_engine, session_factory
from telegram_stub import DEFAULT_TOKEN
from tests.helpers.outbox_kit import ShiftedClock, run_until_settled, status_counts

WIB = ZoneInfo("Asia/Jakarta")


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True, help="database URL (migrated, rows queued)")
    parser.add_argument("--stub", required=True, help="telegram_stub base URL")
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--rate", type=float, default=200.0, help="messages per second")
    parser.add_argument("--offset", type=float, default=0.0, help="clock offset, seconds")
    parser.add_argument("--deadline", type=float, default=120.0)
    return parser.parse_args(argv)


async def _main(args: argparse.Namespace) -> dict[str, object]:
    engine = create_engine(args.db)
    factory = session_factory(engine)
    # The config caps the rate at Telegram's 30/s; against the stub the test goes faster.
    delivery = DeliveryConfig().model_copy(update={"global_rate_per_second": args.rate})
    bot = telegram.Bot(
        args.token, base_url=f"{args.stub}/bot", base_file_url=f"{args.stub}/file/bot"
    )
    try:
        async with bot:
            before = (await status_counts(factory)).get("sent", 0)
            sender = OutboxSender(
                factory,
                PtbBotApi(bot),
                ShiftedClock(timedelta(seconds=args.offset)),
                delivery,
                WIB,
                default_holder(),
            )
            started = time.monotonic()
            report = await sender.recover()
            counts = await run_until_settled(sender, factory, deadline=args.deadline)
            duration = time.monotonic() - started
    finally:
        await engine.dispose()
    sent = counts.get("sent", 0) - before
    return {
        "recovered_in_doubt": report.in_doubt,
        "recovered_requeued": report.requeued,
        "sent_this_run": sent,
        "duration_s": round(duration, 3),
        "rate_per_s": round(sent / duration, 1) if duration else None,
        "counts": counts,
    }


def main(argv: list[str] | None = None) -> int:
    """Runs one sender process; the result goes to stdout as JSON."""
    result = asyncio.run(_main(_arguments(sys.argv[1:] if argv is None else argv)))
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
