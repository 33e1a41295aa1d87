"""Drawing the roll-up charts with matplotlib (Agg, never a GUI): figures from chart data and
labels, PNG bytes from figures. Imported by the worker process only (`services.charts.render`)
and by tests, which read a figure's texts before it is drawn.

Sized for a phone: 1080 px wide, text of about 25 px and more.
"""

from __future__ import annotations

import io
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from domain.charts import (
    TICKS,
    ChartRequest,
    ProgressChart,
    ProgressLabels,
    TrendChart,
    TrendLabels,
)
from domain.stages import STAGES

#: Pixels across (Telegram shows a photo at most this wide) and the drawing's resolution.
WIDTH_PX = 1080
DPI = 150
#: The progress chart's height: room for 24 kecamatan and the legend.
PROGRESS_HEIGHT_PX = 1500
TREND_HEIGHT_PX = 900

#: Stage colours: greys and ambers before the RAT, greens once it is held.
STAGE_COLOURS = {
    "BELUM_MULAI": "#d0d0d0",
    "PERSIAPAN": "#fdd49e",
    "SIAP_RAT": "#fdae6b",
    "TERJADWAL": "#9ecae1",
    "RAT_TERLAKSANA": "#a1d99b",
    "DILAPORKAN": "#41ab5d",
    "TERINPUT_ODS": "#006d2c",
}
#: Left to right in a bar: the held stages first (from the most advanced), so the target line
#: reads against the green part.
BAR_ORDER = tuple(reversed(STAGES))
TARGET_COLOUR = "#c0392b"


def _figure(height_px: int) -> Figure:
    return Figure(figsize=(WIDTH_PX / DPI, height_px / DPI), dpi=DPI, layout="constrained")


def _style() -> dict[Any, Any]:
    """Phone-sized text; user text (kecamatan names) never read as mathtext."""
    return {
        "font.size": 12,
        "axes.titlesize": 15,
        "axes.labelsize": 12,
        "xtick.labelsize": 11,
        "ytick.labelsize": 12,
        "legend.fontsize": 11,
        "text.parse_math": False,
        "font.family": "DejaVu Sans",
    }


def progress_figure(chart: ProgressChart, labels: ProgressLabels) -> Figure:
    """The progress chart: one bar per kecamatan, its obliged cooperatives as shares by stage,
    the target as a line, each bar's "held/total" at its end."""
    with matplotlib.rc_context(_style()):
        rows = len(chart.rows)
        height = max(PROGRESS_HEIGHT_PX if rows > 12 else 1100, 420 + 46 * rows)
        fig = _figure(height)
        fig.suptitle(labels.title, fontsize=17, fontweight="bold")
        ax = fig.add_subplot()
        ax.set_title(labels.subtitle, fontsize=11, loc="left")
        if not rows:
            ax.text(0.5, 0.5, labels.empty, ha="center", va="center", fontsize=16)
            ax.set_axis_off()
            return fig
        positions = list(range(rows))
        left = [0.0] * rows
        for stage in BAR_ORDER:
            index = STAGES.index(stage)
            widths = [row.per_stage[index] / row.total if row.total else 0.0 for row in chart.rows]
            ax.barh(
                positions,
                widths,
                left=left,
                height=0.72,
                color=STAGE_COLOURS[stage],
                label=labels.stages[index],
                edgecolor="white",
                linewidth=0.5,
            )
            left = [a + b for a, b in zip(left, widths, strict=True)]
        if chart.target is not None and labels.target:
            ax.axvline(chart.target, color=TARGET_COLOUR, linestyle="--", linewidth=2.2)
            ax.plot(
                [], [], color=TARGET_COLOUR, linestyle="--", linewidth=2.2, label=labels.target
            )
        for position, note in zip(positions, labels.notes, strict=False):
            ax.text(1.01, position, note, va="center", ha="left", fontsize=10)
        ax.set_yticks(positions, labels.rows)
        ax.invert_yaxis()
        ax.set_xlim(0, 1.16)
        ax.set_xticks(TICKS, labels.ticks)
        ax.set_xlabel(labels.axis)
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="x", color="#eeeeee")
        ax.set_axisbelow(True)
        fig.legend(loc="outside lower center", ncols=2, frameon=False)
        return fig


def trend_figure(chart: TrendChart, labels: TrendLabels) -> Figure:
    """The trend chart: % RAT held and % active per season, with both targets."""
    with matplotlib.rc_context(_style()):
        fig = _figure(TREND_HEIGHT_PX)
        fig.suptitle(labels.title, fontsize=16, fontweight="bold")
        ax = fig.add_subplot()
        ax.set_title(labels.subtitle, fontsize=11, loc="left")
        points = list(range(len(chart.seasons)))
        rat = [s.rat_share for s in chart.seasons]
        active = [s.active_share for s in chart.seasons]
        if all(value is None for value in (*rat, *active)):
            ax.text(0.5, 0.5, labels.empty, ha="center", va="center", fontsize=16)
            ax.set_axis_off()
            return fig
        series = (
            (rat, labels.rat, labels.rat_values, "#1f77b4", "o"),
            (active, labels.active, labels.active_values, "#2ca02c", "s"),
        )
        for values, name, shown, colour, marker in series:
            ys = [float("nan") if v is None else v for v in values]
            ax.plot(points, ys, color=colour, marker=marker, markersize=9, linewidth=3, label=name)
            for x, y, text in zip(points, values, shown, strict=True):
                if y is not None and text:
                    ax.annotate(
                        text,
                        (x, y),
                        textcoords="offset points",
                        xytext=(0, 10),
                        ha="center",
                        fontsize=11,
                        color=colour,
                    )
        for target, name, colour, style in (
            (chart.rat_target, labels.rat_target, "#1f77b4", "--"),
            (chart.active_target, labels.active_target, "#2ca02c", ":"),
        ):
            if target is not None:
                ax.axhline(target, color=colour, linestyle=style, linewidth=2, label=name)
        ax.set_xticks(points, labels.seasons)
        ax.set_xlim(-0.4, len(points) - 0.6)
        ax.set_ylim(0, 1.08)
        ax.set_yticks(TICKS, labels.ticks)
        ax.set_ylabel(labels.axis)
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="y", color="#eeeeee")
        fig.legend(loc="outside lower center", ncols=2, frameon=False)
        return fig


def figure(request: ChartRequest) -> Figure:
    """The figure of one request."""
    if isinstance(request.chart, ProgressChart) and isinstance(request.labels, ProgressLabels):
        return progress_figure(request.chart, request.labels)
    if isinstance(request.chart, TrendChart) and isinstance(request.labels, TrendLabels):
        return trend_figure(request.chart, request.labels)
    raise TypeError("a chart needs the labels of its kind")


def png(fig: Figure) -> bytes:
    """The figure drawn as a PNG (Agg)."""
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def render_pngs(requests: tuple[ChartRequest, ...]) -> list[bytes]:
    """Every request drawn (the worker's entry point: a top-level function)."""
    return [png(figure(request)) for request in requests]
