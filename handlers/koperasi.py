"""/koperasi: the cooperatives an officer mentors (an admin: the region's) — list, filters,
search — and the cooperative card with its actions.

Every button is re-authorised here: the role by `requires`, the scope by the query itself (a
cooperative outside it is refused like a forged button). Each step reads or writes in one
unit of work and commits before the screen is sent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from domain.access import Role
from domain.koperasi_list import (
    BoardMember,
    KoperasiCard,
    ListFilter,
    card_actions,
    criteria_for,
    list_scope,
)
from handlers.auth import refuse, requires
from handlers.callbacks import answer_callback
from handlers.context import BotContext
from handlers.forms import start_form
from handlers.koperasi_views import (
    ListState,
    Screen,
    describe_filter,
    is_number,
    render_card,
    render_filter_menu,
    render_kecamatan_picker,
    render_list,
    render_remove_confirm,
    render_stage_picker,
)
from handlers.replies import reply
from handlers.screens import show
from handlers.values import person_name
from services.koperasi_query import SEARCH_FORM, last_search, list_page, load_card
from services.onboarding import BoardRemoval, remove_board_member

LIST_SUBJECT = ""  # the search form's subject for the /koperasi list


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
    here = ListState(page.window.page, state.filter)
    return render_list(tr, title, page, here, filters, region=scope.region)


async def card_screen(
    context: BotContext, koperasi_id: int, back: ListState, notice: str = ""
) -> Screen | None:
    """The card of a cooperative in the viewer's scope; None when out of scope or missing."""
    card = await _card(context, koperasi_id)
    if card is None:
        return None
    actions = card_actions(context.viewer, card.petugas_id)
    return render_card(context.tr, card, actions, back, notice)


async def _card(context: BotContext, koperasi_id: int) -> KoperasiCard | None:
    scope = list_scope(context.viewer)
    if scope is None:
        return None
    async with context.services.uow(write=False) as uow:
        return await load_card(uow, scope, koperasi_id)


@requires(Role.PETUGAS, Role.ADMIN)
async def koperasi(update: Update, context: BotContext) -> None:
    """Shows the first page of the viewer's cooperatives."""
    screen = await list_screen(context, ListState())
    if screen is None:
        await refuse(update, context)
        return
    text, markup = screen
    await reply(update, context, text, markup=markup)


async def show_search_list(update: Update, context: BotContext) -> None:
    """After a search from the list: its results, as the list with the search filter."""
    if not context.viewer.has(Role.PETUGAS, Role.ADMIN):
        return
    screen = await list_screen(context, ListState(0, ListFilter(search=True)))
    if screen is not None:
        await reply(update, context, screen[0], markup=screen[1])


# --- buttons ---------------------------------------------------------------------------------

Action = Callable[[Update, BotContext, list[int], ListState], Awaitable[Screen | None]]


def _decode(args: list[str], ints: int) -> tuple[list[int], ListState] | None:
    """`ints` numbers, then optionally a page and a filter code; None when malformed."""
    numbers, rest = args[:ints], args[ints:]
    if len(numbers) != ints or not all(is_number(n) for n in numbers):
        return None
    state = ListState()
    if len(rest) == 2 and is_number(rest[0]):
        list_filter = ListFilter.decode(rest[1])
        if list_filter is None:
            return None
        state = ListState(int(rest[0]), list_filter)
    elif rest:
        return None
    return [int(n) for n in numbers], state


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
    card = await _card(context, ids[0])
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


# action code -> (numbers before the page and filter, the action)
ACTIONS: dict[str, tuple[int, Action]] = {
    "l": (0, _list),
    "c": (1, _open_card),
    "f": (0, _filters),
    "fd": (0, _kecamatan),
    "ft": (0, _stages),
    "r": (2, _confirm_removal),
    "rx": (2, _remove),
}


@requires(Role.PETUGAS, Role.ADMIN)
async def on_koperasi_button(update: Update, context: BotContext) -> None:
    """Every `k:` button: decoded, re-authorised, answered once, then shown in place."""
    query = update.callback_query
    parts = (query.data or "").split(":") if query is not None else []
    if parts[1:2] == ["s"] and len(parts) == 2:
        await answer_callback(update, context)
        spec = context.services.forms.spec(SEARCH_FORM)
        if spec is not None:
            await start_form(update, context, spec, subject=LIST_SUBJECT)
        return
    entry = ACTIONS.get(parts[1]) if len(parts) > 1 else None
    decoded = _decode(parts[2:], entry[0]) if entry is not None else None
    if entry is None or decoded is None:
        await answer_callback(update, context, context.tr.t("callback.stale"))
        return
    screen = await entry[1](update, context, *decoded)
    if screen is None:
        await refuse(update, context)
        return
    await answer_callback(update, context)
    await show(update, context, *screen)
