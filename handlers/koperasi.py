"""/koperasi: the cooperatives an officer mentors (an admin: the region's) — list, filters,
search — and the cooperative card with its actions.

Every button is re-authorised here: the role by `requires`, the scope by the query itself (a
cooperative outside it is refused like a forged button). Each step reads or writes in one
unit of work and commits before the screen is sent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from conversations.cari_koperasi import LIST_SUBJECT
from domain.access import Role
from domain.callbacks import KoperasiAction, KoperasiButton
from domain.errors import InputError
from domain.koperasi_list import (
    BoardMember,
    KoperasiCard,
    ListState,
    card_actions,
    list_scope,
)
from handlers.auth import refuse, requires
from handlers.callbacks import answer_callback
from handlers.context import BotContext
from handlers.forms import start_form
from handlers.koperasi_screens import card_screen, list_screen, scoped_card, worklist_screen
from handlers.koperasi_views import (
    Screen,
    describe_filter,
    render_filter_menu,
    render_kecamatan_picker,
    render_remove_confirm,
    render_stage_picker,
)
from handlers.outcomes import answer_at_once
from handlers.petugas_actions import assign_from_card, pick_for_card
from handlers.replies import reply
from handlers.screens import show
from handlers.values import person_name
from services.koperasi_query import SEARCH_FORM, last_search
from services.onboarding import BoardRemoval, remove_board_member


@requires(Role.PETUGAS, Role.ADMIN, Role.PIMPINAN)
async def koperasi(update: Update, context: BotContext) -> None:
    """Shows the first page of the viewer's cooperatives; `/koperasi Maju` searches them."""
    spec = context.services.forms.spec(SEARCH_FORM)
    if context.args and spec is not None and list_scope(context.viewer) is not None:
        await answer_at_once(update, context, spec, LIST_SUBJECT, " ".join(context.args))
        return
    screen = await list_screen(context, ListState())
    if screen is None:
        await refuse(update, context)
        return
    text, markup = screen
    await reply(update, context, text, markup=markup)


# --- buttons ---------------------------------------------------------------------------------

Action = Callable[[Update, BotContext, list[int], ListState], Awaitable[Screen | None]]


async def _list(
    update: Update, context: BotContext, ids: list[int], s: ListState
) -> Screen | None:
    del update, ids
    return await list_screen(context, s)


async def _open_card(
    update: Update, context: BotContext, ids: list[int], s: ListState
) -> Screen | None:
    del update
    return await card_screen(context, ids[0], s)


async def _filters(
    update: Update, context: BotContext, ids: list[int], s: ListState
) -> Screen | None:
    del update, ids
    async with context.services.uow(write=False) as uow:
        viewer = context.viewer
        query = await last_search(uow, viewer.chat_id, viewer.telegram_user_id, LIST_SUBJECT)
    kecamatan = context.services.config.region.kecamatan
    return render_filter_menu(context.tr, s, describe_filter(context.tr, s, kecamatan, query))


async def _worklist(
    update: Update, context: BotContext, ids: list[int], s: ListState
) -> Screen | None:
    del update
    return await worklist_screen(context, s, ids[0] if ids else 0)


async def _kecamatan(
    update: Update, context: BotContext, ids: list[int], s: ListState
) -> Screen | None:
    del update, ids
    kecamatan = context.services.config.region.kecamatan
    return render_kecamatan_picker(context.tr, kecamatan, s.page, s.filter)


async def _stages(
    update: Update, context: BotContext, ids: list[int], s: ListState
) -> Screen | None:
    del update, ids
    return render_stage_picker(context.tr, s.filter)


async def _member(
    context: BotContext, ids: list[int]
) -> tuple[KoperasiCard, BoardMember | None] | None:
    """The card and the board member a removal button names (None once they are gone);
    None when the viewer may not remove anyone from this cooperative."""
    card = await scoped_card(context, ids[0])
    if card is None or not card_actions(context.viewer, card.petugas_id).remove_board:
        return None
    return card, next((m for m in card.board if m.person_id == ids[1]), None)


async def _confirm_removal(
    update: Update, context: BotContext, ids: list[int], s: ListState
) -> Screen | None:
    del update
    found = await _member(context, ids)
    if found is None:
        return None
    card, member = found
    if member is None:  # removed meanwhile: the card as it is now
        return await card_screen(context, card.id, s)
    return render_remove_confirm(context.tr, card, member, s)


async def _remove(
    update: Update, context: BotContext, ids: list[int], s: ListState
) -> Screen | None:
    del update
    found = await _member(context, ids)
    if found is None:
        return None
    card, member = found
    if member is None:  # a second tap on "Ya, hapus": already done
        return await card_screen(context, card.id, s)
    services = context.services
    async with services.uow() as uow:
        removed = await remove_board_member(
            uow,
            context.viewer,
            card.id,
            member.person_id,
            services.clock.now(),
            catalogues=services.catalogues,
        )
        await uow.commit()
    if removed is BoardRemoval.NOT_ALLOWED:
        return None
    notice = context.tr.t("koperasi.card.removed", name=person_name(context.tr, member.name))
    return await card_screen(context, card.id, s, notice)


async def _officer_picker(
    update: Update, context: BotContext, ids: list[int], s: ListState
) -> Screen | None:
    del update
    if not context.viewer.has(Role.ADMIN):
        return None
    return await pick_for_card(context, ids[0], ids[1], s)


async def _change_officer(
    update: Update, context: BotContext, ids: list[int], s: ListState
) -> Screen | None:
    if not context.viewer.has(Role.ADMIN):
        return None
    return await assign_from_card(context, ids[0], ids[1], update.update_id, s)


ACTIONS: dict[KoperasiAction, Action] = {
    KoperasiAction.LIST: _list,
    KoperasiAction.CARD: _open_card,
    KoperasiAction.FILTERS: _filters,
    KoperasiAction.KECAMATAN: _kecamatan,
    KoperasiAction.STAGES: _stages,
    KoperasiAction.REMOVE_ASK: _confirm_removal,
    KoperasiAction.REMOVE: _remove,
    KoperasiAction.PICK_OFFICER: _officer_picker,
    KoperasiAction.CHANGE_OFFICER: _change_officer,
    KoperasiAction.WORKLIST: _worklist,
    KoperasiAction.WORKLIST_PAGE: _worklist,
}


@requires(Role.PETUGAS, Role.ADMIN, Role.PIMPINAN)
async def on_koperasi_button(update: Update, context: BotContext) -> None:
    """Every `k:` button: decoded, re-authorised, answered once, then shown in place."""
    query = update.callback_query
    button = KoperasiButton.decode(query.data or "") if query is not None else None
    if button is not None and button.action is KoperasiAction.SEARCH:
        await answer_callback(update, context)
        spec = context.services.forms.spec(SEARCH_FORM)
        if spec is not None:
            await start_form(update, context, spec, subject=LIST_SUBJECT)
        return
    action = ACTIONS.get(button.action) if button is not None else None
    if button is None or action is None:
        await answer_callback(update, context, context.tr.t("callback.stale"))
        return
    try:
        screen = await action(update, context, list(button.ids), button.state)
    except InputError as error:  # e.g. the chosen officer was deactivated meanwhile
        await answer_callback(update, context, context.tr.t(error.key, **error.params))
        return
    if screen is None:
        await refuse(update, context)
        return
    await answer_callback(update, context)
    await show(update, context, *screen)
