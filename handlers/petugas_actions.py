"""The /petugas buttons' actions: each returns the screen to show, or raises InputError.

Writes run in one unit of work (service call, audit, outbox note, menu refresh) committed
before the screen is rendered and sent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

from domain.errors import InputError
from domain.koperasi_list import KoperasiScope, ListCriteria, ListFilter, criteria_for
from domain.workload import AssignMode, Workload
from handlers.context import BotContext
from handlers.keyboards import single
from handlers.koperasi import card_screen
from handlers.koperasi_views import ListState, Screen
from handlers.petugas_views import (
    PREFIX,
    officer_name,
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
from storage.repositories.petugas import PetugasRepository

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
        counts = await PetugasRepository(uow.session).count_in_kecamatan(name)
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
    subject = f"{PREFIX}{officer_id}"
    async with context.services.uow(write=False) as uow:
        query = await last_search(uow, viewer.chat_id, viewer.telegram_user_id, subject)
        criteria = criteria_for(ListFilter(search=True), [], query, today_of(context))
        page = await list_page(uow, KoperasiScope(), criteria, ids[1])
    title = tr.t("petugas.search.title", query=query or "", name=officer_name(tr, load))
    return render_koperasi_pick(
        tr,
        title,
        page,
        lambda kid: f"{PREFIX}:a:{kid}:{officer_id}:{officer_id}",
        lambda p: f"{PREFIX}:sr:{officer_id}:{p}",
        f"{PREFIX}:o:{officer_id}",
    )


async def _assign_one(context: BotContext, ids: list[int], update_id: int) -> Screen:
    """`p:a:<koperasi>:<officer, 0 = queue>:<officer whose screen follows, 0 = the card>`."""
    koperasi_id, officer_id, view = ids
    services, now = context.services, context.services.clock.now()
    async with services.uow() as uow:
        changes = await assignment.assign_one(
            uow, context.viewer.person_id, koperasi_id, officer_id or None, now
        )
        await assignment.notify_reassigned(
            uow, services.catalogues, changes, cause=f"u{update_id}", now=now
        )
        await uow.commit()
    notice = await _assign_notice(context, officer_id, len(changes))
    if view:
        return await _officer_screen(context, view, notice)
    screen = await card_screen(context, koperasi_id, ListState(), notice)
    if screen is None:
        raise InputError(N_("koperasi.error.not_found"))
    return screen


async def _assign_notice(context: BotContext, officer_id: int, count: int) -> str:
    if not officer_id:
        return context.tr.t("petugas.to_queue")
    load = await officer_by_id(context, officer_id)
    key = N_("petugas.assigned") if count else N_("petugas.unchanged")
    return context.tr.t(key, count=count, name=officer_name(context.tr, load))


async def _pick_for_card(context: BotContext, ids: list[int], update_id: int) -> Screen:
    """*Ganti petugas* on a card: every officer, or the admins' queue."""
    koperasi_id, tr = ids[0], context.tr
    async with context.services.uow(write=False) as uow:
        card = await load_card(uow, KoperasiScope(), koperasi_id)
        page = await officer_page(uow, today_of(context), ids[1])
    if card is None:
        raise InputError(N_("koperasi.error.not_found"))
    current = (
        person_name(tr, card.petugas_name)
        if card.petugas_id is not None
        else tr.t("petugas.queue_short")
    )
    title = tr.t("petugas.pick_for", nama=card.nama, current=current)
    tail = [
        single(tr.t("petugas.button.queue"), f"{PREFIX}:a:{koperasi_id}:0:0"),
        single(tr.t("petugas.button.back"), f"k:c:{koperasi_id}:0:-"),
    ]
    return render_officer_picker(
        tr,
        title,
        page,
        lambda pid: f"{PREFIX}:a:{koperasi_id}:{pid}:0",
        lambda p: f"{PREFIX}:g:{koperasi_id}:{p}",
        tail,
    )


async def _move_pick(context: BotContext, ids: list[int], update_id: int) -> Screen:
    source, tr = await officer_by_id(context, ids[0]), context.tr
    async with context.services.uow(write=False) as uow:
        page = await officer_page(uow, today_of(context), ids[1], exclude=source.person_id)
    title = tr.t("petugas.move.pick", name=officer_name(tr, source))
    back = [single(tr.t("petugas.button.back"), f"{PREFIX}:o:{source.person_id}")]
    return render_officer_picker(
        tr,
        title,
        page,
        lambda pid: f"{PREFIX}:mt:{source.person_id}:{pid}",
        lambda p: f"{PREFIX}:m:{source.person_id}:{p}",
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
        lambda kid: f"{PREFIX}:a:{kid}:{target_id}:{source_id}",
        lambda p: f"{PREFIX}:m1:{source_id}:{target_id}:{p}",
        f"{PREFIX}:o:{source_id}",
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


# action code -> (how many numbers its data carries, the action)
ACTIONS: dict[str, tuple[int, Action]] = {
    "l": (1, _list),
    "o": (1, _open),
    "k": (2, _kecamatan),
    "kk": (2, _kecamatan_ask),
    f"k{AssignMode.UNASSIGNED.value}": (2, _assign_kecamatan(AssignMode.UNASSIGNED)),
    f"k{AssignMode.ALL.value}": (2, _assign_kecamatan(AssignMode.ALL)),
    "sr": (2, search_results),
    "a": (3, _assign_one),
    "g": (2, _pick_for_card),
    "m": (2, _move_pick),
    "mt": (2, _move_ask),
    "ma": (2, _move_all),
    "m1": (3, _move_one_pick),
    "d": (1, _deactivate_ask),
    "dx": (1, _deactivate),
}
