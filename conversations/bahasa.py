"""/bahasa: choose the language of the bot. Anyone may start it, strangers included.

Collects one choice among the configured languages; stores it on the person (a stranger gets a
person row holding only the Telegram id and the choice) and re-sets that chat's command menu in
the new language through the outbox.
"""

from __future__ import annotations

from conversations.spec import FormRun, FormSpec, InputKind, Option, Reply, Step, steps
from locales import N_, Catalogues
from services.menus import enqueue_chat_menu, menu_entries
from services.onboarding import viewer_of
from storage.uow import UnitOfWork

NAME = "bahasa"


def bahasa_form(catalogues: Catalogues) -> FormSpec:
    """The language form over the configured catalogues."""

    def languages() -> list[Option]:
        return [
            Option(code, label=catalogues.language_name(code)) for code in catalogues.available
        ]

    async def complete(uow: UnitOfWork, run: FormRun) -> Reply:
        """Stores the language and queues the chat's menu in it."""
        locale = run.answers["language"]
        person = await uow.people.get_by_telegram_id(run.user_id)
        if person is None:
            person = await uow.people.add(telegram_user_id=run.user_id, now=run.now)
        # Changed on the loaded row: the language and the menu's signature (set by
        # enqueue_chat_menu) go out as one UPDATE when the unit of work commits.
        person.language, person.updated_at = locale, run.now
        viewer = run.viewer
        if viewer is None or viewer.person_id != person.id:  # e.g. a stranger's new row
            viewer = await viewer_of(uow, person, run.chat_id)
        entries = menu_entries(viewer, catalogues.get(locale))
        cause = f"lang:{locale}:{run.now.isoformat()}"
        await enqueue_chat_menu(uow, person, run.chat_id, entries, cause=cause, now=run.now)
        return Reply(
            N_("bahasa.saved"), {"language": catalogues.language_name(locale)}, locale=locale
        )

    return FormSpec(
        name=NAME,
        code="b",
        steps=steps(Step("language", N_("bahasa.prompt"), InputKind.CHOICE, options=languages)),
        first_step="language",
        complete=complete,
    )
