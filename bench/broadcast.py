"""A broadcast to 10,000 board members against telegram_stub holding the sender to its rate.

    .venv/bin/python bench/broadcast.py [--recipients 10000] [--postgres ADMIN_URL]

Seeds `--recipients` board members (one cooperative each) on a fresh database, and has an admin
broadcast to all boards as *Kirim sekarang* does (`services.broadcasts.send_now`: the segment
read and one bulk outbox row per person queued in one transaction; its time is reported).
The leader's paced sender (production settings: `[delivery] global_rate_per_second` 25,
`max_in_flight` 4, the bot's aiohttp client) sends them to telegram_stub, in this process,
whose flood limit is set to the same rate (25 sends in any second overall, 1 per chat): a
send over it is answered 429, as Telegram would. The clock is real time shifted to Monday
09:00 WIB, inside the sending window. Reported: the achieved rate (first to last accepted
send at the stand-in), 429s, duplicates (a chat that got it more than once), lost (a
recipient neither reached nor in doubt), and the report's four numbers
(`services.broadcasts.run_pass`).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import telegram  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from config import DeliveryConfig  # noqa: E402
from domain.access import Role  # noqa: E402
from domain.broadcast import Segment, SegmentKind, Tally  # noqa: E402
from locales import Catalogues  # noqa: E402
from runtime.bot_api_http import AiohttpRequest  # noqa: E402
from services.broadcasts import create_draft, run_pass, send_now  # noqa: E402
from services.outbox import OutboxSender, PtbBotApi  # noqa: E402
from storage.engine import create_engine, session_factory  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.tables import Koperasi, Person, RoleGrant  # noqa: E402
from storage.uow import UnitOfWork  # noqa: E402
from telegram_stub import BotApiStub, RecordedCall, StubUser  # noqa: E402
from tests.helpers.db import create_temp_pg_database, drop_database  # noqa: E402
from tests.helpers.outbox_kit import ShiftedClock  # noqa: E402

FIRST_CHAT = 300_000
WIB = ZoneInfo("Asia/Jakarta")
MONDAY_9_WIB = datetime(2027, 1, 4, 2, 0, tzinfo=UTC)
TEXT = "Rapat koordinasi RAT, Senin 09.00 di Dinas. Mohon hadir."


class Sends:
    """Every accepted send at the stand-in (chat, perf_counter), and the 429s."""

    def __init__(self) -> None:
        self.accepted: list[tuple[int, float]] = []
        self.refused = 0

    def __call__(self, call: RecordedCall) -> None:
        if call.method.lower() != "sendmessage":
            return
        if call.status == 200:
            self.accepted.append((int(call.params["chat_id"]), time.perf_counter()))
        elif call.status == 429:
            self.refused += 1


async def _seed(url: str, recipients: int, now: datetime) -> int:
    """The boards and an admin; returns the admin's person id."""
    engine = create_engine(url)
    sessions = session_factory(engine)
    try:
        async with UnitOfWork(sessions) as uow:
            admin = Person(telegram_user_id=FIRST_CHAT - 1, created_at=now, updated_at=now)
            uow.session.add(admin)
            await uow.session.flush()
            await uow.roles.grant(admin.id, Role.ADMIN.value, now=now)
            stamp = {"created_at": now, "updated_at": now}
            await uow.session.execute(
                insert(Koperasi), [{"nama": f"Koperasi {n}", **stamp} for n in range(recipients)]
            )
            await uow.session.execute(
                insert(Person),
                [{"telegram_user_id": FIRST_CHAT + n, **stamp} for n in range(recipients)],
            )
            koperasi = list(await uow.session.scalars(select(Koperasi.id).order_by(Koperasi.id)))
            people = list(
                await uow.session.scalars(
                    select(Person.id).where(Person.id != admin.id).order_by(Person.id)
                )
            )
            await uow.session.execute(
                insert(RoleGrant),
                [
                    {
                        "person_id": person,
                        "role": Role.PENGURUS.value,
                        "koperasi_id": koperasi_id,
                        "granted_at": now,
                    }
                    for person, koperasi_id in zip(people, koperasi, strict=True)
                ],
            )
            await uow.commit()
            return admin.id
    finally:
        await engine.dispose()


async def measure(url: str, recipients: int) -> dict[str, float]:
    """Queues the broadcast, sends it, and returns what was measured."""
    clock = ShiftedClock.starting_at(MONDAY_9_WIB)
    cfg = DeliveryConfig()
    admin = await _seed(url, recipients, clock.now())
    async with BotApiStub() as stub:
        stub.state.limits.set_flood(int(cfg.global_rate_per_second), 1)
        sends = Sends()
        stub.state.observers.append(sends)
        for n in range(recipients):
            stub.add_user(StubUser(FIRST_CHAT + n, f"Pengurus {n}"))
        engine = create_engine(url)
        sessions = session_factory(engine)
        bot = telegram.Bot(
            stub.token,
            base_url=stub.bot_base_url,
            base_file_url=stub.file_base_url,
            request=AiohttpRequest(connections=8),
        )
        try:
            queue_started = time.perf_counter()
            async with UnitOfWork(sessions) as uow:
                broadcast_id = await create_draft(
                    uow,
                    person_id=admin,
                    segment=Segment(SegmentKind.BOARDS),
                    text=TEXT,
                    media=None,
                    media_kind=None,
                    now=clock.now(),
                )
                started = await send_now(
                    uow, broadcast_id, now=clock.now(), expiry=timedelta(hours=48)
                )
                await uow.commit()
            queued = time.perf_counter() - queue_started
            async with bot:
                sender = OutboxSender(sessions, PtbBotApi(bot), clock, cfg, WIB, "bench")
                stop = asyncio.Event()
                sending = asyncio.create_task(sender.run(stop))
                send_started = time.perf_counter()
                while True:
                    await asyncio.sleep(1.0)
                    async with UnitOfWork(sessions, write=False) as uow:
                        tally = Tally.of(await uow.broadcasts.counts(broadcast_id))
                    if tally.waiting == 0:
                        break
                elapsed = time.perf_counter() - send_started
                stop.set()
                await sending
            await run_pass(
                lambda: UnitOfWork(sessions),
                Catalogues(["id", "en"], "id", WIB),
                now=clock.now(),
                expiry=timedelta(hours=48),
            )
        finally:
            await engine.dispose()
    per_chat = Counter(chat for chat, _ in sends.accepted)
    times = sorted(at for _, at in sends.accepted)
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    rate = (len(times) - 1) / span if span else 0.0
    duplicates = sum(count - 1 for count in per_chat.values() if count > 1)
    reached = set(per_chat) & {FIRST_CHAT + n for n in range(recipients)}
    return {
        "recipients": started.recipients,
        "queue_s": queued,
        "elapsed_s": elapsed,
        "rate": rate,
        "configured": cfg.global_rate_per_second,
        "refused_429": sends.refused,
        "duplicates": duplicates,
        "lost": recipients - len(reached) - tally.in_doubt,
        "delivered": tally.delivered,
        "unreachable": tally.unreachable,
        "in_doubt": tally.in_doubt,
        "failed": tally.failed,
    }


async def main() -> None:
    """Measures and prints one Markdown table row."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--postgres", metavar="ADMIN_URL", help="a fresh PostgreSQL database")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}"
        if args.postgres:
            url = await create_temp_pg_database(args.postgres)
        try:
            await asyncio.to_thread(upgrade, url)  # Alembic runs its own event loop
            result = await measure(url, args.recipients)
        finally:
            if args.postgres:
                await drop_database(args.postgres, url)
    database = "PostgreSQL" if args.postgres else "SQLite"
    print(
        "| database | recipients | queued in s | sent in s | achieved / configured rate | "
        "× configured | 429s | duplicates | lost | delivered / unreachable / in doubt / failed |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {database} | {result['recipients']:.0f} | {result['queue_s']:.2f} | "
        f"{result['elapsed_s']:.0f} | {result['rate']:.2f} / {result['configured']:g} | "
        f"{result['rate'] / result['configured']:.3f} | {result['refused_429']:.0f} | "
        f"{result['duplicates']:.0f} | {result['lost']:.0f} | "
        f"{result['delivered']:.0f} / {result['unreachable']:.0f} / "
        f"{result['in_doubt']:.0f} / {result['failed']:.0f} |"
    )


if __name__ == "__main__":
    asyncio.run(main())
