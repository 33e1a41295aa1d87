"""The statements behind the benchmark's flow (bench/throughput.py), counted: speed is measured
in bench/, but a change that adds a query to every update should fail here first."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from tests.helpers.bot import Conversation
from tests.helpers.driver import Driver


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
