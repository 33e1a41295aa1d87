"""The statements behind the benchmark's flow (bench/throughput.py), counted: speed is measured
in bench/, but a change that adds a query to every update should fail here first."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from tests.helpers.bot import Conversation
from tests.helpers.driver import Driver
from tests.helpers.rat_boards import RINA, seed_boards


async def test_a_language_round_costs_a_handful_of_statements(
    conv: Conversation, driver: Driver
) -> None:
    ani = driver.user(4001, "Ani")
    engine = conv.app.bot_data.services.engine.sync_engine
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(" ".join(str(args[2]).split()[:2]))

    rounds = [["/bahasa", "2", "/bantuan"], ["/bahasa", "1", "/bantuan"]]
    for round_ in rounds[:1]:  # a stranger's first round: the person row is made
        for text in round_:
            await conv.say(ani, text)
    event.listen(engine, "before_cursor_execute", record)
    try:
        counts = []
        for text in rounds[1]:
            statements.clear()
            await conv.say(ani, text)
            counts.append(len(statements))
    finally:
        event.remove(engine, "before_cursor_execute", record)
    # /bahasa: BEGIN, the form session started anew over the finished one (one UPDATE, read
    # nothing first). The answer: BEGIN, the form session, its UPDATE (with the update id),
    # the person's new language and menu signature (the gate knew the person), superseding a
    # waiting menu, the menu. /bantuan: nothing (the viewer is in memory). COMMITs are not
    # statements here. (3, 6, 0 before 2026-12-05 evening.)
    assert counts == [2, 6, 0]


async def test_a_lapor_round_costs_a_pinned_number_of_statements(
    conv: Conversation, driver: Driver
) -> None:
    """bench/lapor_round.py's round: /lapor, *Undangan terkirim*, a date (saved, recomputed,
    the officer's note queued, the card sent). Its second round, counted per step."""
    await seed_boards(conv)
    rina = driver.user(RINA, "Rina")
    engine = conv.app.bot_data.services.engine.sync_engine
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(" ".join(str(args[2]).split()[:2]))

    await conv.say(rina, "/lapor")  # the first round: the card's terms are explained
    await conv.press(rina, "⬜ Undangan terkirim")
    await conv.say(rina, "03-01-2027")
    event.listen(engine, "before_cursor_execute", record)
    try:
        seen = []
        statements.clear()
        await conv.say(rina, "/lapor")
        seen.append(list(statements))
        statements.clear()
        await conv.press(rina, "✅ Undangan terkirim")
        seen.append(list(statements))
        statements.clear()
        card = await conv.say(rina, "04-01-2027")
        seen.append(list(statements))
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert "Status RAT" in card.body
    assert card.body.startswith("Tersimpan")  # one message: what happened, the card below
    # The menu: BEGIN, the cooperative with its current cycle and its checklist states (one
    # row; no year but the current one is inside its late-RAT window: no RAT history read). The
    # item: BEGIN IMMEDIATE, the cooperative and cycle (its states are not needed), the form
    # session started anew over the finished one with the menu's context (one UPDATE, read
    # nothing first). The answer: BEGIN IMMEDIATE,
    # the form session and its UPDATE, the lock (with the cooperative's row as the recompute
    # reads it, its name, the officer, the terms the reader has seen, whether the board owes
    # follow-ups — it owes none, so they are not read — and whether the officer's note of
    # this hour is queued — it is, by the first round: no INSERT to be ignored), the
    # cooperative's cycles with their checklist states (read once: the change is made on
    # that copy and the recompute plans from it), the cycle's UPDATE, the history INSERT;
    # the card from the recompute's read. (5, 8, 18 before 2026-12-05; 3, 4, 12 before the
    # form's start became one UPDATE, the states joined the menu's row and the answer read
    # its cycles once, 2026-12-05 evening.)
    assert [len(step) for step in seen] == [2, 3, 7], seen
