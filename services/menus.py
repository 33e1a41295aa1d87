"""Per-chat command menus, set through the outbox when a person's language or roles change."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from domain.access import Viewer
from domain.commands import CommandSpec, visible_commands
from locales import Translator
from storage.repositories.outbox import PRIORITY_INTERACTIVE
from storage.tables import Person
from storage.uow import UnitOfWork

MenuEntries = list[tuple[str, str]]  # (command, description) in the person's language
MENU_KIND = "menu"  # the outbox kind of a chat's command menu


def all_commands() -> tuple[CommandSpec, ...]:
    """Every command of the bot, the forms' included."""
    # Imported here, not at the top: the list holds the forms, and a form (/bahasa) queues
    # menus through this module.
    from conversations import commands  # noqa: PLC0415

    return commands()


def menu_entries(viewer: Viewer | None, tr: Translator) -> MenuEntries:
    """The commands `viewer` (None: anyone) may use, named and described in `tr`'s language."""
    return [
        (spec.name_in(tr.locale), tr.t(spec.description_key))
        for spec in visible_commands(all_commands(), viewer)
    ]


def menu_signature(entries: MenuEntries) -> str:
    """A short fingerprint of a menu, to skip setting one that is already there."""
    blob = json.dumps(entries, ensure_ascii=False, separators=(",", ":")).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


async def enqueue_chat_menu(
    uow: UnitOfWork,
    person: Person,
    chat_id: int,
    entries: MenuEntries,
    *,
    cause: str,
    now: datetime,
) -> bool:
    """Queues `setMyCommands` for the person's chat unless that menu is already set.

    The chat scope carries no `language_code`: Telegram matches that against the app's
    language, not the one chosen in /bahasa, so the chosen language is baked into the menu.
    `cause` (e.g. the update id) makes the idempotency key: re-planning the same change never
    queues a second row, a later change does.
    """
    signature = menu_signature(entries)
    if person.menu_state == signature:
        return False
    # Before the insert: its autoflush then writes this with the person's other changes.
    person.menu_state = signature
    await queue_chat_menu(uow, person.id, chat_id, entries, cause=cause, now=now)
    return True


async def queue_chat_menu(
    uow: UnitOfWork,
    person_id: int,
    chat_id: int,
    entries: MenuEntries,
    *,
    cause: str,
    now: datetime,
) -> None:
    """Queues `setMyCommands` for the chat; the caller records the menu's signature."""
    # A menu still waiting for its turn is outdated by this one (superseding): someone
    # switching languages twice costs one call, not two (the outbox goes at Telegram's pace).
    await uow.outbox.enqueue(
        idempotency_key=f"menu:{chat_id}:{cause}",
        chat_id=chat_id,
        method="setMyCommands",
        payload={
            "commands": [{"command": c, "description": d} for c, d in entries],
            "scope": {"type": "chat", "chat_id": chat_id},
        },
        kind=MENU_KIND,
        priority=PRIORITY_INTERACTIVE,
        now=now,
        person_id=person_id,
        superseding=True,
    )


async def delete_chat_menu(
    uow: UnitOfWork, person: Person, chat_id: int, *, cause: str, now: datetime
) -> bool:
    """Queues `deleteMyCommands` for the chat (the public menu applies again), if one was set."""
    if person.menu_state is None:
        return False  # no menu of its own was ever set: the public one already applies
    await uow.outbox.enqueue(
        idempotency_key=f"menu:{chat_id}:{cause}",
        chat_id=chat_id,
        method="deleteMyCommands",
        payload={"scope": {"type": "chat", "chat_id": chat_id}},
        kind=MENU_KIND,
        priority=PRIORITY_INTERACTIVE,
        now=now,
        person_id=person.id,
        superseding=True,
    )
    person.menu_state = None
    return True
