"""The roll-up charts for 24 kecamatan: drawing time, the worker's peak memory, and how long
the event loop stalls meanwhile.

    .venv/bin/python bench/charts.py [--runs 5]

Three measurements, in both languages:
1. drawing in this process (`png(figure)`), progress and trend chart, median of `--runs`;
2. a whole `services.charts.render` call as the bot makes it — a fresh worker process
   (interpreter start, matplotlib import, both charts) — and the worker's peak RSS
   (`RUSAGE_CHILDREN`: the largest child waited for);
3. the event loop's longest stall while that call runs, from a 5 ms ticker (what another chat
   waits for its reply), against the stall when the same drawing runs on the loop instead;
4. with `--chat`: the real application on the Bot API stand-in (SQLite, 24 kecamatan of 35
   cooperatives): an admin presses *Grafik*, and while the charts are drawn another person sends
   /bantuan — how long their reply takes, and whether the charts were still being drawn then.
Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from config import DEFAULT_KECAMATAN, AppConfig  # noqa: E402
from domain.charts import ProgressChart, SeasonCounts, TrendChart  # noqa: E402
from domain.stages import STAGES  # noqa: E402
from locales import Catalogues  # noqa: E402
from services.chart_drawing import render_pngs  # noqa: E402
from services.charts import ChartRequest, progress_labels, render, trend_labels  # noqa: E402

TICK = 0.005


def requests(locale: str) -> tuple[ChartRequest, ChartRequest]:
    """Both charts of a regency of 24 kecamatan (about 35 cooperatives each, seed 7)."""
    rnd = random.Random(7)
    counts = [(k, s, rnd.randint(0, 10)) for k in DEFAULT_KECAMATAN for s in STAGES]
    progress = ProgressChart.build(counts, target=0.8, fiscal_year=None, registered=900)
    trend = TrendChart(
        (
            SeasonCounts(2023, 780, 470),
            SeasonCounts(2024, 800, 560, 610, 790),
            SeasonCounts(2025, 814, 380, 620, 800),
        ),
        0.8,
        0.8,
    )
    cfg = AppConfig()
    tr = Catalogues(["id", "en"], "id", cfg.region.tz).get(locale)
    name = cfg.region.name
    return (
        ChartRequest(progress, progress_labels(tr, progress, name)),
        ChartRequest(trend, trend_labels(tr, trend, name)),
    )


async def longest_stall(work: Callable[[], Awaitable[object]]) -> tuple[float, float]:
    """(seconds `work` took, the loop's longest stall beyond the tick meanwhile, in s)."""
    stall = 0.0
    done = asyncio.Event()

    async def ticker() -> None:
        nonlocal stall
        while not done.is_set():
            before = time.perf_counter()
            await asyncio.sleep(TICK)
            stall = max(stall, time.perf_counter() - before - TICK)

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    start = time.perf_counter()
    await work()
    took = time.perf_counter() - start
    done.set()
    await task
    return took, stall


async def on_the_loop(pair: tuple[ChartRequest, ChartRequest]) -> None:
    """The same drawing, done (wrongly) on the event loop."""
    await asyncio.sleep(0)
    render_pngs(pair)


async def main(runs: int) -> None:
    cfg = AppConfig()
    print("| language | step | median s | min s | max s | notes |")
    print("|---|---|---|---|---|---|")
    for locale in ("id", "en"):
        pair = requests(locale)
        progress, trend = [], []
        for _ in range(runs):
            start = time.perf_counter()
            a = render_pngs(pair[:1])[0]
            progress.append(time.perf_counter() - start)
            start = time.perf_counter()
            b = render_pngs(pair[1:])[0]
            trend.append(time.perf_counter() - start)
        sizes = f"{len(a) // 1024} KB, {len(b) // 1024} KB"
        for name, values in (("progress chart, in-process", progress), ("trend chart", trend)):
            print(
                f"| {locale} | {name} | {statistics.median(values):.3f} | {min(values):.3f} "
                f"| {max(values):.3f} | {sizes if name == 'trend chart' else ''} |"
            )
        calls, stalls = [], []
        for _ in range(runs):
            took, stall = await longest_stall(functools.partial(render, cfg, *pair))
            calls.append(took)
            stalls.append(stall)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(
            f"| {locale} | both charts via the worker (`render`) | {statistics.median(calls):.3f} "
            f"| {min(calls):.3f} | {max(calls):.3f} | worker peak RSS {peak:.0f} MB; loop stall "
            f"max {max(stalls) * 1000:.1f} ms |"
        )
        took, stall = await longest_stall(functools.partial(on_the_loop, pair))
        print(
            f"| {locale} | both charts on the loop (for contrast) | {took:.3f} | | "
            f"| loop stall {stall * 1000:.0f} ms |"
        )


async def another_chat(runs: int) -> None:
    """Another chat's /bantuan answered while an admin's charts are drawn (the real app)."""
    from domain.access import Role  # noqa: PLC0415 - the test harness only for this part
    from domain.callbacks import ChartButton  # noqa: PLC0415
    from telegram_stub import BotApiStub  # noqa: PLC0415
    from tests.helpers.bot import bot_config, conversation, migrate, sqlite_url  # noqa: PLC0415
    from tests.helpers.driver import Driver  # noqa: PLC0415
    from tests.helpers.seed import add_koperasi, add_person, forge_press  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as directory:
        url = sqlite_url(Path(directory))
        await migrate(url)
        async with (
            BotApiStub() as stub,
            Driver(stub.url) as driver,
            conversation(bot_config(stub, url)) as conv,
        ):
            async with conv.app.bot_data.services.uow() as uow:
                await add_person(uow, 1, "Admin", roles=[Role.ADMIN])
                await add_person(uow, 2, "Petugas", roles=[Role.PETUGAS])
                for n, kecamatan in enumerate(DEFAULT_KECAMATAN * 35):
                    stage = STAGES[n % len(STAGES)]
                    await add_koperasi(uow, f"K{n}", kecamatan=kecamatan, tahap=stage)
                await uow.commit()
            admin, other = driver.user(1, "Admin"), driver.user(2, "Petugas")
            await conv.say(admin, "/bantuan")
            await conv.say(other, "/bantuan")
            print()
            print(
                "| run | other chat's /bantuan answered in ms | charts still drawing then "
                "| charts took s |"
            )
            print("|---|---|---|---|")
            for run in range(1, runs + 1):
                forge_press(stub, 1, ChartButton().encode())
                start = time.perf_counter()
                charts = asyncio.create_task(conv.deliver())
                await asyncio.sleep(0.3)  # the press is being handled: the worker runs
                asked = time.perf_counter()
                await other.send("/bantuan")
                await conv.deliver()
                await other.wait_for_reply()
                answered = time.perf_counter() - asked
                drawing = not charts.done()
                await charts
                await admin.wait_for_reply(2, timeout=60)
                took = time.perf_counter() - start
                print(f"| {run} | {answered * 1000:.0f} | {drawing} | {took:.1f} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--chat", action="store_true", help="also the real-app measurement")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.runs))
    if arguments.chat:
        asyncio.run(another_chat(arguments.runs))
