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
    # /bahasa: BEGIN, the form session, its UPDATE. The answer: BEGIN, the form session, its
    # UPDATE (with the update id), the person's new language and menu signature (the gate knew
    # the person), superseding a waiting menu, the menu. /bantuan: nothing (the viewer is in
    # memory). COMMITs are not statements here.
    assert counts == [3, 6, 0]


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
    # The menu: BEGIN, the cooperative with its current cycle (one row), then the recompute's
    # own read for the late years (cooperative, checklist states, cycles), which also gives
    # the current cycle's states. The item: BEGIN, the cooperative and cycle, its states;
    # BEGIN IMMEDIATE, the form session (suspend, start, the menu's context: two reads, two
    # UPDATEs). The answer: BEGIN IMMEDIATE, the form session and its UPDATE, the lock with
    # the officer and name, the cycle, the history INSERT, the cycle's UPDATE, the
    # recompute's read (three), the officer, the note's INSERT and its row; the card: BEGIN,
    # cooperative + officer + cycle (one row), its states, follow-ups owed, terms seen.
    for step in seen:
        print(len(step), step)
    assert [len(step) for step in seen] == [5, 8, 18], seen
