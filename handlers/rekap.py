"""/rekap: roll-ups against targets for admins and pimpinan (the regency) and officers (their
cooperatives), with splits, drill-down lists and, for admins, *Kirim pengingat*.

Every press is re-authorised: the viewer's scope is derived again from their roles, and a
view outside it (another officer's group, a kecamatan index out of range, a year not
offered) is refused. Reads run in one read-only unit of work on the background engine
(a roll-up over the whole register is the heaviest read the bot makes), closed before the
screen is sent.
"""

from __future__ import annotations

from datetime import date

from telegram import Update

from domain.access import Role
from domain.callbacks import RekapAction, RekapButton, RekapView
from domain.errors import InputError
from domain.koperasi_list import page_window
from domain.register import JENIS, KELOMPOK
from domain.rollup import default_period, periods_around
from domain.rollup.access import may_remind, parse_args, rollup_filter, splits_for
from domain.rollup.period import Period, latest_period, year_offered
from domain.rollup.split import Measure, RollupFilter, Split, group_of
from handlers.auth import refuse, requires
from handlers.callbacks import answer_callback
from handlers.context import BotContext
from handlers.keyboards import plain
from handlers.rekap_card import Card, render_card
from handlers.rekap_format import Screen, measure_label
from handlers.rekap_lists import SplitRow, render_drill, render_kecamatan_picker, render_split
from handlers.replies import reply
from handlers.screens import show
from handlers.siaran_entry import start_siaran_for_koperasi
from handlers.values import field_value, person_name
from services.rollup import (
    drill_ids,
    drill_page,
    headline,
    officer_names,
    period_of,
    rollup,
    snapshots_for,
)

READERS = (Role.PETUGAS, Role.ADMIN, Role.PIMPINAN)


def _today(context: BotContext) -> date:
    services = context.services
    return services.clock.now().astimezone(services.config.region.tz).date()


def _period(context: BotContext, year: int) -> Period:
    services = context.services
    policy = services.config.rat.policy()
    return period_of(year, policy, services.clock.now(), services.config.region.tz)


def _scope(context: BotContext, view: RekapView) -> tuple[RollupFilter, Period] | None:
    """What the view counts and over which period; None when the view is not the viewer's
    (another officer's group, a kecamatan out of range, a year not offered)."""
    names = context.services.config.region.kecamatan
    where = rollup_filter(context.viewer, view.kecamatan, view.group, names)
    if where is None or not year_offered(view.year, _today(context)):
        return None
    return where, _period(context, view.year)


async def _describe(context: BotContext, view: RekapView, where: RollupFilter) -> str:
    """Whose cooperatives the card counts: the regency or the officer's, a kecamatan, a group."""
    tr, region = context.tr, context.services.config.region
    parts = [
        tr.t("rekap.where.region", region=region.name)
        if where.petugas_id is None
        else tr.t("rekap.where.mine")
    ]
    if where.kecamatan is not None:
        parts.append(tr.t("rekap.where.kecamatan", name=where.kecamatan))
    if view.group.split is not Split.NONE:
        parts.append(await _group_label(context, view.group.split, where.key))
    return " · ".join(parts)


async def _group_label(context: BotContext, split: Split, key: object) -> str:
    tr = context.tr
    if split is Split.PETUGAS:
        if not isinstance(key, int) or key == 0:
            return tr.t("rekap.no_officer")
        async with context.services.uow(write=False) as uow:
            names = await officer_names(uow, [key])
        return tr.fmt(person_name(tr, names.get(key)))
    if key is None:
        return tr.t("rekap.none")
    if split is Split.JENIS:
        return tr.fmt(field_value(tr, "jenis", key))
    if split is Split.KECAMATAN:  # as when chosen with the picker
        return tr.t("rekap.where.kecamatan", name=key)
    return tr.fmt(key)


async def card_screen(context: BotContext, view: RekapView) -> Screen | None:
    """The headline card of a view, or None when the view is not the viewer's."""
    scope = _scope(context, view)
    if scope is None:
        return None
    where, period = scope
    async with context.services.uow(write=False, background=True) as uow:
        counts = await headline(uow, where, period)
        snapshots = await snapshots_for(uow, view.year, where)
    card = Card(
        view=view,
        where=await _describe(context, view, where),
        counts=counts,
        snapshots=snapshots,
        targets=context.services.config.targets.targets().for_kecamatan(where.kecamatan),
        cutoffs=period.cutoffs,
        today=period.today,
        splits=splits_for(context.viewer),
        years=periods_around(period.today),
    )
    return render_card(context.tr, card)


async def _split_screen(context: BotContext, button: RekapButton) -> Screen | None:
    view, split = button.view, Split(button.arg)
    scope = _scope(context, view)
    if scope is None or split not in splits_for(context.viewer):
        return None
    where, period = scope
    names = context.services.config.region.kecamatan
    whole = RollupFilter(where.petugas_id, where.kecamatan)
    async with context.services.uow(write=False, background=True) as uow:
        grouped = await rollup(uow, whole, split, period)
        officers = await officer_names(uow, [k for k in grouped if isinstance(k, int) and k])
    rows = [
        SplitRow(
            _row_label(context, split, key, officers),
            segments[view.segment],
            group_of(split, key, names),
        )
        for key, segments in grouped.items()
    ]
    rows.sort(key=lambda row: _order(split, row, names))
    window = page_window(len(rows), button.page)
    target = RekapView(view.year, view.segment, view.kecamatan)
    return render_split(context.tr, target, split, rows, window, period.cutoffs)


def _row_label(
    context: BotContext, split: Split, key: object, officers: dict[int, str | None]
) -> str:
    tr = context.tr
    if split is Split.PETUGAS:
        if not isinstance(key, int) or key == 0:
            return tr.t("rekap.no_officer")
        return person_name(tr, officers.get(key))
    if key is None:
        return tr.t("rekap.none")
    if split is Split.JENIS:
        return field_value(tr, "jenis", key)
    return str(key)


def _order(split: Split, row: SplitRow, names: list[str]) -> tuple[int, str]:
    """Configured order for kecamatan, jenis and kelompok; officers by name; unknown last."""
    listed = {Split.KECAMATAN: names, Split.JENIS: list(JENIS), Split.KELOMPOK: list(KELOMPOK)}
    if row.group is not None and split in listed:
        return row.group.value, ""
    return 10_000, row.label.casefold()


async def _drill_screen(context: BotContext, button: RekapButton) -> Screen | None:
    view, measure = button.view, Measure(button.arg)
    scope = _scope(context, view)
    if scope is None:
        return None
    where, period = scope
    async with context.services.uow(write=False, background=True) as uow:
        total, lines = await drill_page(uow, _segment(where, view), measure, period, button.page)
        window = page_window(total, button.page)
        if window.page != button.page:  # past the end (the list shrank): the last page
            total, lines = await drill_page(
                uow, _segment(where, view), measure, period, window.page
            )
    return render_drill(
        context.tr,
        view,
        measure,
        lines,
        window,
        period.cutoffs,
        may_remind=may_remind(context.viewer),
    )


def _segment(where: RollupFilter, view: RekapView) -> RollupFilter:
    """The filter narrowed to the view's segment (the total: both)."""
    return RollupFilter(where.petugas_id, where.kecamatan, where.split, where.key, view.segment)


async def _remind(update: Update, context: BotContext, button: RekapButton) -> bool:
    """*Kirim pengingat*: the list's cooperatives recomputed here, then broadcasts take over."""
    if not may_remind(context.viewer):
        return False
    view, measure = button.view, Measure(button.arg)
    scope = _scope(context, view)
    if scope is None:
        return False
    where, period = scope
    async with context.services.uow(write=False, background=True) as uow:
        ids = await drill_ids(uow, _segment(where, view), measure, period)
    await answer_callback(update, context)
    # The segment keeps its label as plain text (it is stored, and escaped when shown):
    # the rendered label would be escaped twice, an `&` showing as `&amp;`.
    label = plain(measure_label(context.tr, measure, period.cutoffs, view.segment))
    await start_siaran_for_koperasi(update, context, ids, label)
    return True


@requires(*READERS)
async def rekap(update: Update, context: BotContext) -> None:
    """`/rekap [tahun] [kecamatan]`: the headline card of the viewer's scope."""
    today = _today(context)
    names = context.services.config.region.kecamatan
    try:
        args = parse_args(context.args or [], names, latest_period(today))
    except InputError as error:
        await reply(update, context, context.tr.t(error.key, **error.params))
        args = None
    view = RekapView(
        args.year if args and args.year else default_period(today),
        kecamatan=args.kecamatan if args else 0,
    )
    screen = await card_screen(context, view)
    if screen is None:
        await refuse(update, context)
        return
    await reply(update, context, screen[0], markup=screen[1])


@requires(*READERS)
async def on_rekap_button(update: Update, context: BotContext) -> None:
    """Every `rk:` button: decoded, re-authorised, answered once, then shown in place."""
    query = update.callback_query
    button = RekapButton.decode(query.data or "") if query is not None else None
    if button is None:
        await answer_callback(update, context, context.tr.t("callback.stale"))
        return
    if button.action is RekapAction.REMIND:
        if not await _remind(update, context, button):
            await refuse(update, context)
        return
    screen: Screen | None
    if button.action is RekapAction.SPLIT:
        screen = await _split_screen(context, button)
    elif button.action is RekapAction.DRILL:
        screen = await _drill_screen(context, button)
    elif button.action is RekapAction.KECAMATAN:
        screen = _kecamatan_picker(context, button)
    else:
        screen = await card_screen(context, button.view)
    if screen is None:
        await refuse(update, context)
        return
    await answer_callback(update, context)
    await show(update, context, *screen)


def _kecamatan_picker(context: BotContext, button: RekapButton) -> Screen | None:
    names = context.services.config.region.kecamatan
    view = button.view
    if rollup_filter(context.viewer, view.kecamatan, view.group, names) is None:
        return None
    window = page_window(len(names), button.page)
    return render_kecamatan_picker(context.tr, view, names, window)
