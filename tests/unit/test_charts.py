"""The roll-up charts: their data (shares, order, lowest), their labels in both languages (read
from the figure before it is drawn), a valid phone-sized PNG, drawing off the event loop, and
the weekly roll-up's caption."""

from __future__ import annotations

import asyncio
import struct
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from matplotlib.text import Text

from config import AppConfig
from domain.charts import (
    HELD_STAGES,
    KecamatanProgress,
    ProgressChart,
    SeasonCounts,
    TrendChart,
    current_season,
    share,
    trend_years,
)
from domain.delivery import MAX_CAPTION
from domain.stages import STAGES
from locales import Catalogues
from services.chart_drawing import png, progress_figure, render_pngs, trend_figure
from services.charts import ChartRequest, progress_labels, render, trend_labels
from services.reminders.rollup import _needed, rollup_caption

CATALOGUES = Catalogues(["id", "en"], "id", ZoneInfo("Asia/Jakarta"))
KECAMATAN = AppConfig().region.kecamatan  # the 24 of Kabupaten Probolinggo


def _regency() -> ProgressChart:
    """24 kecamatan: the n-th (from 0) has n + 1 cooperatives in each held stage and 5 in
    each other stage, so its share held rises with n."""
    rows = []
    for n, name in enumerate(KECAMATAN):
        for stage in STAGES:
            rows.append((name, stage, (n + 1) if stage in HELD_STAGES else 5))
    return ProgressChart.build(rows, target=0.8, fiscal_year=None, registered=999)


def _trend() -> TrendChart:
    return TrendChart(
        (
            SeasonCounts(2023, 100, 40),
            SeasonCounts(2024, 0, 0),  # no record at all: no point
            SeasonCounts(2025, 200, 90, 150, 180),
        ),
        0.8,
        0.75,
    )


def _texts(figure: object) -> set[str]:
    return {t.get_text() for t in figure.findobj(Text) if t.get_text()}  # type: ignore[attr-defined]


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert data[-8:-4] == b"IEND"
    return width, height


def test_progress_counts_shares_and_order() -> None:
    chart = ProgressChart.build(
        [
            ("Maron", "BELUM_MULAI", 3),
            ("Maron", "RAT_TERLAKSANA", 1),
            ("Besuk", "DILAPORKAN", 2),
            ("Besuk", "PERSIAPAN", 2),
            (None, "TERINPUT_ODS", 1),
            ("Maron", "UNKNOWN", 1),  # counts as not started
        ],
        target=0.8,
        fiscal_year=2026,
        registered=12,
    )
    assert [row.kecamatan for row in chart.rows] == [None, "Besuk", "Maron"]
    maron = chart.rows[2]
    assert (maron.total, maron.held, maron.per_stage[0]) == (5, 1, 4)
    assert (chart.obliged, chart.held, chart.held_share) == (10, 4, 0.4)
    assert [row.kecamatan for row in chart.lowest(2)] == ["Maron", "Besuk"]
    assert ProgressChart.build([], target=None, fiscal_year=None, registered=0).held_share is None


def test_season_shares_and_the_seasons_shown() -> None:
    season = SeasonCounts(2025, 200, 90, 150, 180)
    assert (season.rat_share, season.active_share) == (0.45, 150 / 180)
    assert SeasonCounts(2024, 0, 0).rat_share is None
    assert SeasonCounts(2024, 10, 5).active_share is None  # no record of activity
    assert share(1, 0) is None
    assert current_season(date(2026, 12, 5)) == 2025
    assert trend_years(2025) == (2023, 2024, 2025)
    assert KecamatanProgress.of("X", {}).held_share is None


@pytest.mark.parametrize(
    ("locale", "expected", "absent"),
    [
        (
            "id",
            {"Progres RAT per kecamatan", "Belum mulai", "Target 80 %", "Kraksaan"},
            "Reported",
        ),
        (
            "en",
            {"RAT progress per kecamatan", "Not started", "Target 80 %", "Kraksaan"},
            "Dilaporkan",
        ),
    ],
)
def test_the_progress_chart_speaks_the_readers_language(
    locale: str, expected: set[str], absent: str
) -> None:
    chart = _regency()
    labels = progress_labels(CATALOGUES.get(locale), chart, "Kabupaten Probolinggo")
    texts = _texts(progress_figure(chart, labels))
    assert expected <= texts
    assert absent not in texts
    assert "72/92" in texts  # held/total beside the kecamatan with the most RATs held


def test_the_trend_chart_speaks_the_readers_language_and_skips_missing_seasons() -> None:
    chart = _trend()
    id_texts = _texts(trend_figure(chart, trend_labels(CATALOGUES.get("id"), chart, "X")))
    en_texts = _texts(trend_figure(chart, trend_labels(CATALOGUES.get("en"), chart, "X")))
    assert {"TB 2023", "TB 2025", "% RAT terlaksana", "% koperasi aktif", "40 %"} <= id_texts
    assert {"FY 2023", "FY 2025", "% RAT held", "% active cooperatives", "83 %"} <= en_texts
    assert "Target aktif 75 %" in id_texts
    labels = trend_labels(CATALOGUES.get("en"), chart, "X")
    assert labels.rat_values == ("40 %", "", "45 %")  # 2024: no data, no point
    assert labels.active_values == ("", "", "83 %")


def test_the_progress_chart_is_a_phone_sized_png() -> None:
    chart = _regency()
    data = png(progress_figure(chart, progress_labels(CATALOGUES.get("id"), chart, "X")))
    width, height = _png_size(data)
    assert width == 1080
    assert 1200 <= height <= 2200
    assert 20_000 < len(data) < 1_000_000


def test_the_trend_chart_is_a_phone_sized_png() -> None:
    chart = _trend()
    data = png(trend_figure(chart, trend_labels(CATALOGUES.get("en"), chart, "X")))
    width, height = _png_size(data)
    assert (width, height) == (1080, 900)
    assert 10_000 < len(data) < 1_000_000


def test_an_empty_chart_says_so() -> None:
    chart = ProgressChart.build([], target=0.8, fiscal_year=None, registered=0)
    figure = progress_figure(chart, progress_labels(CATALOGUES.get("en"), chart, "X"))
    assert "No data for this chart yet." in _texts(figure)
    _png_size(png(figure))
    empty = TrendChart((SeasonCounts(2025, 0, 0),), 0.8, 0.8)
    figure = trend_figure(empty, trend_labels(CATALOGUES.get("id"), empty, "X"))
    assert "Belum ada data untuk grafik ini." in _texts(figure)


def test_user_text_is_never_read_as_mathtext() -> None:
    chart = ProgressChart.build(
        [("$x^2$ & <b>", "BELUM_MULAI", 1)], target=0.5, fiscal_year=None, registered=1
    )
    figure = progress_figure(chart, progress_labels(CATALOGUES.get("id"), chart, "X"))
    assert "$x^2$ & <b>" in _texts(figure)
    _png_size(png(figure))


async def test_drawing_happens_in_a_worker_and_leaves_the_loop_free() -> None:
    """While the charts are drawn the event loop keeps running other work (other chats)."""
    ticks = 0
    stop = asyncio.Event()

    async def heartbeat() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            await asyncio.sleep(0)

    beat = asyncio.create_task(heartbeat())
    await asyncio.sleep(0)
    before = ticks
    chart = _regency()
    labels = progress_labels(CATALOGUES.get("id"), chart, "X")
    [data] = await render(AppConfig(), ChartRequest(chart, labels))
    during = ticks - before
    stop.set()
    await beat
    assert _png_size(data)[0] == 1080
    # A drawing on the loop would let the heartbeat run once at most until it returned.
    assert during > 10


def test_the_worker_entry_point_draws_every_request() -> None:
    chart, trend = _regency(), _trend()
    tr = CATALOGUES.get("en")
    first, second = render_pngs(
        (
            ChartRequest(chart, progress_labels(tr, chart, "X")),
            ChartRequest(trend, trend_labels(tr, trend, "X")),
        )
    )
    assert _png_size(first)[1] > _png_size(second)[1]
    with pytest.raises(TypeError):
        render_pngs((ChartRequest(chart, trend_labels(tr, trend, "X")),))


def test_the_roll_up_caption() -> None:
    chart = _regency()
    text = rollup_caption(CATALOGUES.get("id"), chart, date(2026, 12, 7), 3)
    assert text.startswith("<b>Rekap mingguan Gempur</b> — 7 Desember 2026\n")
    assert "Koperasi terdaftar, tanpa yang sudah bubar: 999." in text
    assert f"RAT terlaksana (siklus berjalan): {chart.held:,} dari".replace(",", ".") in text
    assert "target 80 %" in text
    lines = text.splitlines()
    assert lines[-4:] == [
        "Kecamatan dengan RAT terendah:",
        "• Bantaran: 13 % (3/23)",
        "• Banyuanyar: 23 % (6/26)",
        "• Besuk: 31 % (9/29)",
    ]
    english = rollup_caption(CATALOGUES.get("en"), chart, date(2026, 12, 7), 0)
    assert "Kecamatan lowest" not in english
    assert "Still needed to reach the target:" in english


def test_the_caption_of_an_empty_register_claims_no_target_reached() -> None:
    empty = ProgressChart.build([], target=0.8, fiscal_year=None, registered=0)
    text = rollup_caption(CATALOGUES.get("en"), empty, date(2026, 12, 7), 5)
    assert "RAT held (current cycles): 0 of 0" in text
    assert "Target reached" not in text
    assert "Still needed" not in text
    done = ProgressChart.build(
        [("Maron", "DILAPORKAN", 2)], target=0.8, fiscal_year=None, registered=2
    )
    assert "Target reached." in rollup_caption(CATALOGUES.get("en"), done, date(2026, 12, 7), 5)


def test_a_long_caption_drops_kecamatan_to_fit() -> None:
    rows = [(f"Kecamatan {'x' * 55} {n}", "BELUM_MULAI", 1) for n in range(24)]
    chart = ProgressChart.build(rows, target=0.8, fiscal_year=None, registered=24)
    text = rollup_caption(CATALOGUES.get("en"), chart, date(2026, 12, 7), 24)
    assert len(text) <= MAX_CAPTION
    assert 0 < text.count("• ") < 24


def test_the_rats_needed_for_the_target_round_up() -> None:
    assert _needed(10, 0.8) == 8
    assert _needed(11, 0.8) == 9
    assert _needed(3, 0.0) == 0
