"""The /petugas buttons' actions: each returns the screen to show, or raises InputError.

Writes run in one unit of work (service call, audit, outbox note, menu refresh) committed
before the screen is rendered and sent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

from telegram import Update

from conversations.cari_koperasi import officer_subject
from domain.callbacks import PetugasAction
from domain.errors import InputError
from domain.koperasi_list import (
    KoperasiScope,
    ListCriteria,
    ListFilter,
    ListState,
    criteria_for,
)
from domain.workload import AssignMode, Workload
from handlers.context import BotContext
from handlers.keyboards import single
from handlers.koperasi_screens import card_screen
from handlers.koperasi_views import (
    Screen,
    card_data,
    change_officer_data,
    officer_picker_data,
)
from handlers.petugas_views import (
    officer_name,
    petugas_data,
    render_deactivate_confirm,
    render_deactivated,
    render_kecamatan_ask,
    render_kecamatan_pick,
    render_koperasi_pick,
    render_move_ask,
    render_officer,
    render_officer_picker,
    render_officers,
)
from handlers.replies import reply
from handlers.values import person_name
from locales import N_
from services import assignment
from services.koperasi_query import (
    last_search,
    list_page,
    load_card,
    officer_page,
    officer_workload,
)

Action = Callable[[BotContext, list[int], int], Awaitable[Screen]]


def today_of(context: BotContext) -> date:
    """Today in the region (WIB)."""
    services = context.services
    return services.clock.now().astimezone(services.config.region.tz).date()


async def officer_by_id(context: BotContext, person_id: int) -> Workload:
    """The officer's workload; InputError when they are not (or no longer) an officer."""
    async with context.services.uow(write=False) as uow:
        load = await officer_workload(uow, today_of(context), person_id)
    if load is None:
        raise InputError(N_("petugas.error.not_officer"))
    return load


async def _officer_screen(context: BotContext, person_id: int, notice: str = "") -> Screen:
    return render_officer(context.tr, await officer_by_id(context, person_id), notice)


async def _list(context: BotContext, ids: list[int], update_id: int) -> Screen:
    async with context.services.uow(write=False) as uow:
        page = await officer_page(uow, today_of(context), ids[0])
    return render_officers(context.tr, page)


async def _open(context: BotContext, ids: list[int], update_id: int) -> Screen:
    return await _officer_screen(context, ids[0])


async def _kecamatan(context: BotContext, ids: list[int], update_id: int) -> Screen:
    load, names = await officer_by_id(context, ids[0]), context.services.config.region.kecamatan
    return render_kecamatan_pick(context.tr, load, names, ids[1])


def _kecamatan_name(context: BotContext, index: int) -> str:
    names = context.services.config.region.kecamatan
    if index >= len(names):  # the configuration changed under an old button
        raise InputError(N_("callback.stale"))
    return names[index]


async def _kecamatan_ask(context: BotContext, ids: list[int], update_id: int) -> Screen:
    load, name = await officer_by_id(context, ids[0]), _kecamatan_name(context, ids[1])
    async with context.services.uow(write=False) as uow:
        counts = await uow.petugas.count_in_kecamatan(name)
    return render_kecamatan_ask(context.tr, load, ids[1], name, counts)


def _assign_kecamatan(mode: AssignMode) -> Action:
    async def run(context: BotContext, ids: list[int], update_id: int) -> Screen:
        services, officer_id = context.services, ids[0]
        name, now = _kecamatan_name(context, ids[1]), services.clock.now()
        async with services.uow() as uow:
            changes = await assignment.assign_kecamatan(
                uow, context.viewer.person_id, officer_id, name, mode, now
            )
            await assignment.notify_reassigned(
                uow, services.catalogues, changes, cause=f"u{update_id}", now=now
            )
            await uow.commit()
        return await _assigned(context, officer_id, len(changes))

    return run


async def _assigned(context: BotContext, officer_id: int, count: int) -> Screen:
    notice = await _assign_notice(context, officer_id, count)
    return await _officer_screen(context, officer_id, notice)


async def search_results(context: BotContext, ids: list[int], update_id: int) -> Screen:
    """*Tugaskan satu*: a page of the admin's last search for this officer."""
    officer_id, viewer, tr = ids[0], context.viewer, context.tr
    load = await officer_by_id(context, officer_id)
    subject = officer_subject(officer_id)
    async with context.services.uow(write=False) as uow:
        query = await last_search(uow, viewer.chat_id, viewer.telegram_user_id, subject)
        criteria = criteria_for(ListFilter(search=True), [], query, today_of(context))
        page = await list_page(uow, KoperasiScope(), criteria, ids[1])
    title = tr.t("petugas.search.title", query=query or "", name=officer_name(tr, load))
    return render_koperasi_pick(
        tr,
        title,
        page,
        lambda kid: petugas_data(PetugasAction.ASSIGN, kid, officer_id, officer_id),
        lambda p: petugas_data(PetugasAction.RESULTS, officer_id, p),
        petugas_data(PetugasAction.OPEN, officer_id),
    )


async def show_assign_search(update: Update, context: BotContext, officer_id: int) -> None:
    """After *Tugaskan satu*: the results, each a button assigning it to the officer."""
    try:
        text, markup = await search_results(context, [officer_id, 0], update.update_id)
    except InputError as error:
        await reply(update, context, context.tr.t(error.key, **error.params))
        return
    await reply(update, context, text, markup=markup)


async def _assign_one(context: BotContext, ids: list[int], update_id: int) -> Screen:
    """`p:a:<koperasi>:<officer, 0 = queue>:<officer whose screen follows, 0 = the card>`."""
    koperasi_id, officer_id, view = ids
    if not view:
        return await assign_from_card(context, koperasi_id, officer_id, update_id, ListState())
    notice = await _assign(context, koperasi_id, officer_id, update_id)
    return await _officer_screen(context, view, notice)


async def assign_from_card(
    context: BotContext, koperasi_id: int, officer_id: int, update_id: int, back: ListState
) -> Screen:
    """*Ganti petugas* chosen: the card again, with the notice, returning to the same list."""
    notice = await _assign(context, koperasi_id, officer_id, update_id)
    screen = await card_screen(context, koperasi_id, back, notice)
    if screen is None:
        raise InputError(N_("koperasi.error.not_found"))
    return screen


async def _assign(context: BotContext, koperasi_id: int, officer_id: int, update_id: int) -> str:
    """Assigns the cooperative to the officer (0: the queue); returns the notice to show."""
    services, now = context.services, context.services.clock.now()
    async with services.uow() as uow:
        changes = await assignment.assign_one(
            uow, context.viewer.person_id, koperasi_id, officer_id or None, now
        )
        await assignment.notify_reassigned(
            uow, services.catalogues, changes, cause=f"u{update_id}", now=now
        )
        await uow.commit()
    return await _assign_notice(context, officer_id, len(changes))


async def _assign_notice(context: BotContext, officer_id: int, count: int) -> str:
    if not officer_id:
        return context.tr.t("petugas.to_queue")
    load = await officer_by_id(context, officer_id)
    key = N_("petugas.assigned") if count else N_("petugas.unchanged")
    return context.tr.t(key, count=count, name=officer_name(context.tr, load))


async def _pick_for_card(context: BotContext, ids: list[int], update_id: int) -> Screen:
    """`p:g:<koperasi>:<page>` (buttons of older cards): the picker, back to a plain list."""
    del update_id
    return await pick_for_card(context, ids[0], ids[1], ListState())


async def pick_for_card(
    context: BotContext, koperasi_id: int, page_number: int, back: ListState
) -> Screen:
    """*Ganti petugas* on a card: every officer, or the admins' queue; `back` is the list the
    card came from, kept through the choice so that *Kembali ke daftar* returns to it."""
    tr = context.tr
    async with context.services.uow(write=False) as uow:
        card = await load_card(uow, KoperasiScope(), koperasi_id)
        page = await officer_page(uow, today_of(context), page_number)
    if card is None:
        raise InputError(N_("koperasi.error.not_found"))
    current = (
        person_name(tr, card.petugas_name)
        if card.petugas_id is not None
        else tr.t("petugas.queue_short")
    )
    title = tr.t("petugas.pick_for", nama=card.nama, current=current)
    tail = [
        single(tr.t("petugas.button.queue"), change_officer_data(koperasi_id, 0, back)),
        single(tr.t("petugas.button.back"), card_data(koperasi_id, back)),
    ]
    return render_officer_picker(
        tr,
        title,
        page,
        lambda pid: change_officer_data(koperasi_id, pid, back),
        lambda p: officer_picker_data(koperasi_id, p, back),
        tail,
    )


async def _move_pick(context: BotContext, ids: list[int], update_id: int) -> Screen:
    source, tr = await officer_by_id(context, ids[0]), context.tr
    async with context.services.uow(write=False) as uow:
        page = await officer_page(uow, today_of(context), ids[1], exclude=source.person_id)
    title = tr.t("petugas.move.pick", name=officer_name(tr, source))
    back = [
        single(tr.t("petugas.button.back"), petugas_data(PetugasAction.OPEN, source.person_id))
    ]
    return render_officer_picker(
        tr,
        title,
        page,
        lambda pid: petugas_data(PetugasAction.MOVE_ASK, source.person_id, pid),
        lambda p: petugas_data(PetugasAction.MOVE_PICK, source.person_id, p),
        back,
    )


async def _move_ask(context: BotContext, ids: list[int], update_id: int) -> Screen:
    source, target = await officer_by_id(context, ids[0]), await officer_by_id(context, ids[1])
    if source.person_id == target.person_id:
        raise InputError(N_("callback.stale"))
    return render_move_ask(context.tr, source, target)


async def _move_all(context: BotContext, ids: list[int], update_id: int) -> Screen:
    services, (source_id, target_id) = context.services, ids
    target, now = await officer_by_id(context, target_id), services.clock.now()
    async with services.uow() as uow:
        changes = await assignment.move_all(
            uow, context.viewer.person_id, source_id, target_id, now
        )
        await assignment.notify_reassigned(
            uow, services.catalogues, changes, cause=f"u{update_id}", now=now
        )
        await uow.commit()
    notice = context.tr.t(
        "petugas.moved", count=len(changes), name=officer_name(context.tr, target)
    )
    return await _officer_screen(context, source_id, notice)


async def _move_one_pick(context: BotContext, ids: list[int], update_id: int) -> Screen:
    (source_id, target_id, page_number), tr = ids, context.tr
    source, target = (
        await officer_by_id(context, source_id),
        await officer_by_id(context, target_id),
    )
    async with context.services.uow(write=False) as uow:
        criteria = ListCriteria(today_of(context))
        page = await list_page(uow, KoperasiScope(source_id), criteria, page_number)
    title = tr.t(
        "petugas.move.one", from_name=officer_name(tr, source), to_name=officer_name(tr, target)
    )
    return render_koperasi_pick(
        tr,
        title,
        page,
        lambda kid: petugas_data(PetugasAction.ASSIGN, kid, target_id, source_id),
        lambda p: petugas_data(PetugasAction.MOVE_ONE, source_id, target_id, p),
        petugas_data(PetugasAction.OPEN, source_id),
    )


async def _deactivate_ask(context: BotContext, ids: list[int], update_id: int) -> Screen:
    return render_deactivate_confirm(context.tr, await officer_by_id(context, ids[0]))


async def _deactivate(context: BotContext, ids: list[int], update_id: int) -> Screen:
    services, load = context.services, await officer_by_id(context, ids[0])
    now = services.clock.now()
    async with services.uow() as uow:
        changes = await assignment.deactivate_officer(
            uow,
            context.viewer.person_id,
            ids[0],
            now,
            catalogues=services.catalogues,
            cause=f"u{update_id}",
        )
        await uow.commit()
    return render_deactivated(context.tr, load, len(changes))


# the numbers each action takes are `domain.callbacks.PETUGAS_NUMBERS`
ACTIONS: dict[PetugasAction, Action] = {
    PetugasAction.LIST: _list,
    PetugasAction.OPEN: _open,
    PetugasAction.KECAMATAN: _kecamatan,
    PetugasAction.KECAMATAN_ASK: _kecamatan_ask,
    PetugasAction.ASSIGN_UNASSIGNED: _assign_kecamatan(AssignMode.UNASSIGNED),
    PetugasAction.ASSIGN_ALL: _assign_kecamatan(AssignMode.ALL),
    PetugasAction.RESULTS: search_results,
    PetugasAction.ASSIGN: _assign_one,
    PetugasAction.PICK_FOR_CARD: _pick_for_card,
    PetugasAction.MOVE_PICK: _move_pick,
    PetugasAction.MOVE_ASK: _move_ask,
    PetugasAction.MOVE_ALL: _move_all,
    PetugasAction.MOVE_ONE: _move_one_pick,
    PetugasAction.DEACTIVATE_ASK: _deactivate_ask,
    PetugasAction.DEACTIVATE: _deactivate,
}
