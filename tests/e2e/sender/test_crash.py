"""SIGKILL in the middle of a 2,000-message broadcast: nothing is sent twice, little is in doubt.

The sender runs as its own process (``tests.helpers.sender_process``) against the in-process
stub and a SQLite file; the test kills it with SIGKILL once some hundreds have gone out,
starts it again, and reads both the stub's chats and the outbox.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select

from config import DeliveryConfig
from domain.delivery import PRIORITY_BULK
from services.outbox import enqueue_message
from storage.engine import create_engine, session_factory
from storage.migrate import upgrade
from storage.tables import Outbox
from storage.uow import UnitOfWork
from telegram_stub import BotApiStub, StubUser
from tests.helpers.db import sqlite_url

RECIPIENTS = 2_000
FIRST_CHAT = 500_000
KILL_AFTER = 400  # messages the stub has answered before the kill
RATE = "200"  # messages per second: fast against the stub, far above Telegram's 30
MONDAY_9_WIB = datetime(2027, 1, 4, 2, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[3]


async def _queue_broadcast(url: str) -> None:
    engine = create_engine(url)
    try:
        async with UnitOfWork(session_factory(engine)) as uow:
            for n in range(RECIPIENTS):
                await enqueue_message(
                    uow,
                    key=f"siaran:1:{FIRST_CHAT + n}",
                    chat_id=FIRST_CHAT + n,
                    text=f"Siaran <b>RAT</b> nomor {n}",
                    priority=PRIORITY_BULK,
                    kind="broadcast",
                    now=MONDAY_9_WIB,
                    expires_at=MONDAY_9_WIB + timedelta(hours=48),
                )
            await uow.commit()
    finally:
        await engine.dispose()


async def _rows(url: str) -> list[Outbox]:
    engine = create_engine(url)
    try:
        async with UnitOfWork(session_factory(engine), write=False) as uow:
            return list(await uow.session.scalars(select(Outbox)))
    finally:
        await engine.dispose()


async def _start_sender(
    url: str, stub: BotApiStub, log: BinaryIO, *, report: bool
) -> asyncio.subprocess.Process:
    # The clock runs at real speed from Monday 09:00 WIB, inside the sending window.
    offset = (MONDAY_9_WIB - datetime.now(UTC)).total_seconds()
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.helpers.sender_process",
        *("--db", url, "--stub", stub.url, "--rate", RATE, "--offset", str(offset)),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE if report else asyncio.subprocess.DEVNULL,
        stderr=log,
    )


async def _until_answered(
    stub: BotApiStub, count: int, process: asyncio.subprocess.Process
) -> None:
    async with asyncio.timeout(60):
        while len(stub.calls("sendMessage")) < count:
            assert process.returncode is None, "the sender stopped before it was killed"
            await asyncio.sleep(0.01)


async def test_sigkill_during_a_broadcast_sends_nothing_twice(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "gempur.db")
    await asyncio.to_thread(upgrade, url)
    await _queue_broadcast(url)
    log_path = tmp_path / "sender.log"
    with log_path.open("ab") as log:
        async with BotApiStub() as stub:
            for n in range(RECIPIENTS):
                stub.add_user(StubUser(FIRST_CHAT + n, f"Pengurus {n}"))

            first = await _start_sender(url, stub, log, report=False)
            await _until_answered(stub, KILL_AFTER, first)
            first.kill()  # SIGKILL: no cleanup, rows may be left claimed
            await first.wait()
            answered_at_kill = len(stub.calls("sendMessage"))

            second = await _start_sender(url, stub, log, report=True)
            async with asyncio.timeout(90):
                out, _ = await second.communicate()
            assert second.returncode == 0, log_path.read_text()
            report = json.loads(out)
            # A request the kill cut off mid-body never reached a chat (the stub answers 500).
            delivered = Counter(
                call.params["chat_id"] for call in stub.calls("sendMessage") if call.status == 200
            )

    rows = await _rows(url)
    statuses = Counter(row.status for row in rows)
    max_in_flight = DeliveryConfig().max_in_flight
    # Every row ended sent or in doubt, and the in-doubt ones are at most those in flight.
    assert set(statuses) <= {"sent", "in_doubt"}
    assert statuses["in_doubt"] == report["recovered_in_doubt"] <= max_in_flight
    assert statuses["sent"] + statuses["in_doubt"] == RECIPIENTS
    # No chat got the broadcast twice; every row marked sent really reached its chat.
    assert max(delivered.values()) == 1
    assert all(delivered[row.chat_id] == 1 for row in rows if row.status == "sent")
    assert all(row.telegram_message_id == 1 for row in rows if row.status == "sent")
    # The kill really happened mid-broadcast.
    assert KILL_AFTER <= answered_at_kill < RECIPIENTS
    sys.stdout.write(
        f"\nkilled after {answered_at_kill} answered; restart: {json.dumps(report)}\n"
    )
