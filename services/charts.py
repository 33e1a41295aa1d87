"""The roll-up charts (docs/rules.md#charts): counted in SQL, labelled in the reader's language,
drawn with matplotlib (Agg, never a GUI) in a worker process.

`gather` reads the counts for a scope (one grouped query per chart); `progress_labels` and
`trend_labels` put the reader's words and numbers on them; `render` draws PNGs off the event
loop (`runtime.offload`), within the `[charts]` budget. The figure builders are plain functions
of the chart data and its labels, so tests read a figure's texts before it is drawn.

Sized for a phone: 1080 px wide, fonts of about 25 px and more.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from config import AppConfig
from domain.charts import (
    TICKS,
    ChartRequest,
    ProgressChart,
    ProgressLabels,
    SeasonCounts,
    TrendChart,
    TrendLabels,
    current_season,
    trend_years,
)
from domain.koperasi_list import KoperasiScope
from domain.stages import STAGES
from locales import Translator
from locales.labels import STAGE_KEYS
from runtime.offload import Budget, offload
from storage.uow import UnitOfWork

__all__ = [
    "ChartRequest",
    "Charts",
    "gather",
    "progress_labels",
    "render",
    "scope_name",
    "targets",
    "trend_labels",
]

MB = 1024 * 1024


@dataclass(frozen=True)
class Charts:
    """Both charts of one scope."""

    progress: ProgressChart
    trend: TrendChart


def targets(cfg: AppConfig) -> tuple[float | None, float | None]:
    """The regency's RAT target (by the office target, the programme's headline) and activity
    target as shares; None where the office set none (no line is drawn)."""

    def share(value: Decimal | None) -> float | None:
        return None if value is None else float(value) / 100

    return share(cfg.targets.rat_target), share(cfg.targets.aktif)


async def gather(
    uow: UnitOfWork,
    cfg: AppConfig,
    scope: KoperasiScope,
    *,
    kecamatan: str | None,
    fiscal_year: int | None,
    today: date,
) -> Charts:
    """The counts of both charts for a scope (the current cycles, or one fiscal year)."""
    rat_target, active_target = targets(cfg)
    charts = uow.charts
    progress = ProgressChart.build(
        await charts.progress(scope, kecamatan, fiscal_year),
        target=rat_target,
        fiscal_year=fiscal_year,
        registered=await charts.registered(scope, kecamatan),
    )
    last = fiscal_year if fiscal_year is not None else current_season(today)
    years = trend_years(last)
    rows = await charts.seasons(scope, kecamatan, years, date(last, 12, 31))
    snapshots = await charts.season_end_active(years, kecamatan) if scope.region else {}
    now_active = await charts.active_now(scope, kecamatan)
    seasons = []
    for row in rows:
        active = now_active if row.tahun_buku == current_season(today) else None
        active = snapshots.get(row.tahun_buku, active)
        held = row.held if row.recorded else 0
        obliged = row.obliged if row.recorded else 0  # no record at all: no point
        seasons.append(
            SeasonCounts(
                row.tahun_buku,
                obliged,
                held,
                active[0] if active else None,
                active[1] if active else None,
            )
        )
    trend = TrendChart(tuple(seasons), rat_target, active_target)
    return Charts(progress, trend)


def _plain(text: str) -> str:
    """A catalogue text for a picture: its HTML escapes undone, its tags dropped."""
    for tag in ("<b>", "</b>", "<i>", "</i>"):
        text = text.replace(tag, "")
    return html.unescape(text)


def _ticks(tr: Translator) -> tuple[str, ...]:
    return tuple(tr.percent(tick, 0) for tick in TICKS)


def scope_name(tr: Translator, cfg: AppConfig, kecamatan: str | None, scope: KoperasiScope) -> str:
    """What the charts cover: the regency, a kecamatan, an officer's cooperatives."""
    if kecamatan is not None:
        return _plain(tr.t("chart.scope.kecamatan", kecamatan=kecamatan))
    if not scope.region:
        return _plain(tr.t("chart.scope.mine"))
    return _plain(tr.t("chart.scope.region", region=cfg.region.name))


def progress_labels(tr: Translator, chart: ProgressChart, scope: str) -> ProgressLabels:
    """The progress chart's words in the reader's language."""
    share = chart.held_share
    if chart.fiscal_year is None:
        cycle = tr.t("chart.progress.current")
    else:
        cycle = tr.t("chart.progress.year", year=str(chart.fiscal_year))
    subtitle = tr.t(
        "chart.progress.subtitle",
        scope=scope,
        cycle=cycle,
        held=chart.held,
        obliged=chart.obliged,
        share=tr.percent(share) if share is not None else "—",
    )
    target = tr.t("chart.target", share=tr.percent(chart.target, 0)) if chart.target else ""
    no_kecamatan = tr.t("chart.no_kecamatan")
    return ProgressLabels(
        title=_plain(tr.t("chart.progress.title")),
        subtitle=_plain(subtitle),
        axis=_plain(tr.t("chart.progress.axis")),
        stages=tuple(_plain(tr.t(STAGE_KEYS[stage])) for stage in STAGES),
        target=_plain(target),
        empty=_plain(tr.t("chart.empty")),
        rows=tuple(
            row.kecamatan if row.kecamatan is not None else _plain(no_kecamatan)
            for row in chart.rows
        ),
        notes=tuple(f"{tr.number(row.held)}/{tr.number(row.total)}" for row in chart.rows),
        ticks=_ticks(tr),
    )


def trend_labels(tr: Translator, chart: TrendChart, scope: str) -> TrendLabels:
    """The trend chart's words in the reader's language."""

    def shown(value: float | None) -> str:
        return tr.percent(value, 0) if value is not None else ""

    return TrendLabels(
        title=_plain(tr.t("chart.trend.title")),
        subtitle=_plain(tr.t("chart.trend.subtitle", scope=scope)),
        axis=_plain(tr.t("chart.trend.axis")),
        rat=_plain(tr.t("chart.trend.rat")),
        active=_plain(tr.t("chart.trend.active")),
        rat_target=_plain(
            tr.t("chart.trend.rat_target", share=tr.percent(chart.rat_target or 0, 0))
        ),
        active_target=_plain(
            tr.t("chart.trend.active_target", share=tr.percent(chart.active_target or 0, 0))
        ),
        empty=_plain(tr.t("chart.empty")),
        seasons=tuple(
            _plain(tr.t("chart.trend.season", year=str(s.tahun_buku))) for s in chart.seasons
        ),
        rat_values=tuple(shown(s.rat_share) for s in chart.seasons),
        active_values=tuple(shown(s.active_share) for s in chart.seasons),
        ticks=_ticks(tr),
    )


async def render(cfg: AppConfig, *requests: ChartRequest) -> list[bytes]:
    """The PNGs, drawn in a worker process within the `[charts]` budget (raises
    `runtime.offload.OffloadError` when it gives none)."""
    # The bot's process never loads matplotlib: only the worker draws.
    from services.chart_drawing import render_pngs  # noqa: PLC0415

    budget = Budget(cfg.charts.worker_seconds, cfg.charts.worker_memory_mb * MB)
    return await offload(render_pngs, tuple(requests), budget=budget)
