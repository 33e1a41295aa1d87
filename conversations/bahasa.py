"""/bahasa: choose the language of the bot. Anyone may start it, strangers included.

Collects one choice among the configured languages; stores it on the person (a stranger gets a
person row holding only the Telegram id and the choice) and re-sets that chat's command menu in
the new language through the outbox.
"""

from __future__ import annotations

from conversations.spec import FormRun, FormSpec, InputKind, Option, Reply, Step, steps
from domain.access import Viewer
from domain.commands import CommandSpec
from locales import N_, Catalogues
from services.menus import enqueue_chat_menu, menu_entries, menu_signature, queue_chat_menu
from services.roles import viewer_of
from storage.uow import UnitOfWork

NAME = "bahasa"
COMMAND = CommandSpec(NAME, N_("cmd.bahasa"), 30, {"en": "language"})


def form(catalogues: Catalogues) -> FormSpec:
    """The language form over the configured catalogues."""

    def languages() -> list[Option]:
        return [
            Option(code, label=catalogues.language_name(code)) for code in catalogues.available
        ]

    async def complete(uow: UnitOfWork, run: FormRun) -> Reply:
        """Stores the language and queues the chat's menu in it."""
        locale = run.answers["language"]
        reply = Reply(
            N_("bahasa.saved"), {"language": catalogues.language_name(locale)}, locale=locale
        )
        cause = f"lang:{locale}:{run.now.isoformat()}"
        viewer = run.viewer
        if viewer is not None and viewer.person_id is not None and viewer.language != locale:
            # The usual case, in two statements: a new language means a new menu (its
            # descriptions are in the language), and the gate already knows the person.
            entries = menu_entries(viewer, catalogues.get(locale))
            await uow.people.choose_language(
                viewer.person_id,
                viewer.telegram_user_id,
                locale,
                menu_state=menu_signature(entries),
                now=run.now,
            )
            await queue_chat_menu(
                uow, viewer.person_id, run.chat_id, entries, cause=cause, now=run.now
            )
            return reply
        # A stranger, or the same language again: compare with the menu actually set.
        person = await uow.people.get_by_telegram_id(run.user_id)
        if person is None:  # someone new holds no role yet
            person = await uow.people.add(telegram_user_id=run.user_id, now=run.now)
            known = Viewer(run.user_id, run.chat_id, person.id)
        else:
            known = await viewer_of(uow, person, run.chat_id)
        # Changed on the loaded row: the language and the menu's signature (set by
        # enqueue_chat_menu) go out as one UPDATE when the unit of work commits.
        person.language, person.updated_at = locale, run.now
        entries = menu_entries(known, catalogues.get(locale))
        await enqueue_chat_menu(uow, person, run.chat_id, entries, cause=cause, now=run.now)
        return reply

    return FormSpec(
        name=NAME,
        code="b",
        steps=steps(Step("language", N_("bahasa.prompt"), InputKind.CHOICE, options=languages)),
        first_step="language",
        complete=complete,
        command=COMMAND,
    )
