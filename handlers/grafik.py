"""The roll-up charts in chat (docs/rules.md#charts): the *Grafik* button of /rekap.

`send_rollup_charts` sends the two charts of the viewer's scope — admins and pimpinan the
regency, an officer their own cooperatives — for a kecamatan and a fiscal year; the counts are
read in one short read-only unit of work, the drawing happens in a worker process (never on
the event loop), and the photos go out after it. The button is on the /rekap card
(`handlers.rekap_card.chart_rows`); its press (`on_chart_button`) is authorised again here:
the data names a kecamatan and a year, never a scope.
"""

from __future__ import annotations

from telegram import Update

from domain.callbacks import ChartButton
from domain.koperasi_list import KoperasiScope, list_scope
from domain.rat.koperasi import local_date
from domain.rollup.period import year_offered
from handlers.auth import refuse
from handlers.callbacks import answer_callback
from handlers.context import BotContext
from handlers.replies import reply, reply_photo
from runtime.offload import OffloadError
from services.charts import (
    ChartRequest,
    gather,
    progress_labels,
    render,
    scope_name,
    trend_labels,
)


async def send_rollup_charts(
    update: Update, context: BotContext, *, kecamatan: str | None, fiscal_year: int | None
) -> None:
    """Sends the progress and trend charts of the viewer's scope as two photos (answering a
    pressed button first: drawing takes a second or two).

    One drawing per person at a time, as /ekspor makes one export: a second tap while the
    first is drawn is only told the charts are on their way. The claim lasts exactly as long
    as the drawing and sending, however they end; other people are never held up by it.
    """
    scope = list_scope(context.viewer)
    person_id = context.viewer.person_id
    if scope is None or person_id is None:
        await refuse(update, context)
        return
    running = context.services.charts_running
    if person_id in running:
        await answer_callback(update, context, context.tr.t("grafik.on_the_way"))
        return
    running.add(person_id)
    try:
        await _draw_and_send(update, context, scope, kecamatan, fiscal_year)
    finally:
        running.discard(person_id)


async def _draw_and_send(
    update: Update,
    context: BotContext,
    scope: KoperasiScope,
    kecamatan: str | None,
    fiscal_year: int | None,
) -> None:
    tr = context.tr
    await answer_callback(update, context, tr.t("grafik.busy"))
    services = context.services
    cfg = services.config
    today = local_date(services.clock.now(), cfg.region.tz)
    async with services.uow(write=False, background=True) as uow:
        charts = await gather(
            uow, cfg, scope, kecamatan=kecamatan, fiscal_year=fiscal_year, today=today
        )
    name = scope_name(tr, cfg, kecamatan, scope)
    requests = (
        ChartRequest(charts.progress, progress_labels(tr, charts.progress, name)),
        ChartRequest(charts.trend, trend_labels(tr, charts.trend, name)),
    )
    try:
        progress_png, trend_png = await render(cfg, *requests)
    except OffloadError:
        await reply(update, context, tr.t("grafik.failed"))
        return
    await reply_photo(
        update,
        context,
        progress_png,
        tr.t("grafik.caption.progress", scope=name),
        filename="progres-rat.png",
    )
    await reply_photo(
        update, context, trend_png, tr.t("grafik.caption.trend", scope=name), filename="tren.png"
    )


async def on_chart_button(update: Update, context: BotContext) -> None:
    """A *Grafik* button: the charts it names, within the presser's own scope."""
    query = update.callback_query
    pressed = ChartButton.decode((query.data or "") if query is not None else "")
    names = context.services.config.region.kecamatan
    today = local_date(context.services.clock.now(), context.services.config.region.tz)
    if (
        pressed is None
        or pressed.kecamatan > len(names)
        or (pressed.tahun_buku and not year_offered(pressed.tahun_buku, today))
    ):
        await answer_callback(update, context, context.tr.t("callback.stale"))
        return
    kecamatan = names[pressed.kecamatan - 1] if pressed.kecamatan else None
    await send_rollup_charts(
        update, context, kecamatan=kecamatan, fiscal_year=pressed.tahun_buku or None
    )
