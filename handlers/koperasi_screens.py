"""The /koperasi screens read from storage: the list page for the viewer's scope and the card.

Used by the /koperasi buttons and after a search (the search form's result). Reads in one
unit of work; renders with `handlers.koperasi_views`.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from conversations.cari_koperasi import LIST_SUBJECT
from domain.access import Role
from domain.callbacks import LaporButton
from domain.koperasi_list import (
    KoperasiCard,
    ListFilter,
    ListState,
    card_actions,
    criteria_for,
    list_scope,
)
from domain.rat.roles import may_act_for_office
from domain.worklist import WorkLine
from handlers.context import BotContext
from handlers.keyboards import single
from handlers.koperasi_views import Screen, describe_filter, render_card, render_list
from handlers.replies import reply
from handlers.status_views import status_for, status_lines
from handlers.worklist_views import render_worklist, worklist_row
from services.koperasi_query import last_search, list_page, load_card
from services.worklist import officer_worklist


async def list_screen(context: BotContext, state: ListState) -> Screen | None:
    """The list page for the viewer's scope; None when the viewer has no /koperasi scope."""
    services, viewer, tr = context.services, context.viewer, context.tr
    scope = list_scope(viewer)
    if scope is None:
        return None
    kecamatan = services.config.region.kecamatan
    today = services.clock.now().astimezone(services.config.region.tz).date()
    async with services.uow(write=False) as uow:
        query = await last_search(uow, viewer.chat_id, viewer.telegram_user_id, LIST_SUBJECT)
        criteria = criteria_for(state.filter, kecamatan, query, today)
        page = await list_page(uow, scope, criteria, state.page)
    title = (
        tr.t("koperasi.list.title_region", region=services.config.region.name)
        if scope.region
        else tr.t("koperasi.list.title_mine")
    )
    filters = describe_filter(tr, state, kecamatan, query)
    work = await _worklist(context) if not scope.region else []
    here = ListState(page.window.page, state.filter)
    text, markup = render_list(tr, title, page, here, filters, region=scope.region)
    if work:  # officers: "Perlu tindakan (N)" below the list's own buttons
        rows = [*markup.inline_keyboard, worklist_row(tr, len(work), here)]
        markup = InlineKeyboardMarkup(rows)
    return text, markup


async def _worklist(context: BotContext) -> list[WorkLine]:
    viewer, services = context.viewer, context.services
    if viewer.person_id is None or not viewer.has(Role.PETUGAS):
        return []
    now, tz = services.clock.now(), services.config.region.tz
    async with services.uow(write=False) as uow:
        return await officer_worklist(uow, viewer.person_id, now, tz)


async def worklist_screen(context: BotContext, back: ListState, page: int = 0) -> Screen | None:
    """An officer's "Perlu tindakan" (its page `page`): their cooperatives needing action,
    in worklist order."""
    scope = list_scope(context.viewer)
    if scope is None or scope.region:
        return None
    return render_worklist(context.tr, await _worklist(context), back, page)


async def card_screen(
    context: BotContext, koperasi_id: int, back: ListState, notice: str = ""
) -> Screen | None:
    """The card of a cooperative in the viewer's scope; None when out of scope or missing."""
    card = await scoped_card(context, koperasi_id)
    if card is None:
        return None
    actions = card_actions(context.viewer, card.petugas_id)
    status = await status_for(context, koperasi_id)
    lines = status_lines(context.tr, status, office=True) if status is not None else []
    text, markup = render_card(context.tr, card, actions, back, notice, lines)
    # Recording on the board's behalf: the same /lapor menu, for the office.
    cycle = status is not None and status.cycle is not None
    if cycle and may_act_for_office(context.viewer, card.petugas_id):
        record = single(context.tr.t("lapor.button.record"), LaporButton(card.id).encode())
        markup = InlineKeyboardMarkup([record, *markup.inline_keyboard])
    return text, markup


async def scoped_card(context: BotContext, koperasi_id: int) -> KoperasiCard | None:
    """The card's data, if the cooperative is in the viewer's scope."""
    scope = list_scope(context.viewer)
    if scope is None:
        return None
    async with context.services.uow(write=False) as uow:
        return await load_card(uow, scope, koperasi_id)


async def show_search_list(update: Update, context: BotContext) -> None:
    """After a search from the list: its results, as the list with the search filter."""
    if not context.viewer.has(Role.PETUGAS, Role.ADMIN, Role.PIMPINAN):
        return
    screen = await list_screen(context, ListState(0, ListFilter(search=True)))
    if screen is not None:
        await reply(update, context, screen[0], markup=screen[1])
