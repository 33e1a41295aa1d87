"""Sample conversations: open threads waiting for an answer, for tests and the sandbox.

Each cooperative with a board member on Telegram (`sample.people`) may get an open thread,
waiting from a few hours to several working days, so /pesan, the reminders and the escalation
have something to show. Only thread rows: no message of anyone is made up.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select

from domain.access import Role
from domain.relay import Topic
from storage.tables import Koperasi, RoleGrant
from storage.uow import UnitOfWork

THREAD_SHARE = 0.3  # of the cooperatives with a board on Telegram
LONGEST_WAIT_DAYS = 8


async def add_open_threads(
    uow: UnitOfWork, seed: int, *, now: datetime, share: float = THREAD_SHARE
) -> list[int]:
    """Opens a waiting thread for a share of the cooperatives that have a board member and no
    open thread yet; returns the new threads' ids. The caller commits."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    rows = await uow.session.execute(
        select(Koperasi.id, Koperasi.petugas_id)
        .where(
            Koperasi.id.in_(
                select(RoleGrant.koperasi_id).where(
                    RoleGrant.role == Role.PENGURUS.value, RoleGrant.active.is_(True)
                )
            )
        )
        .order_by(Koperasi.id)
    )
    made = []
    topics = list(Topic)
    for koperasi_id, petugas_id in rows:
        if rng.random() >= share or await uow.threads.open_for(koperasi_id) is not None:
            continue
        waited = timedelta(hours=rng.randint(1, LONGEST_WAIT_DAYS * 24))
        thread = await uow.threads.create(koperasi_id, petugas_id, now - waited)
        thread.topic = rng.choice(topics).value
        thread.waiting_since = thread.last_message_at = now - waited
        made.append(thread.id)
    await uow.session.flush()
    return made
