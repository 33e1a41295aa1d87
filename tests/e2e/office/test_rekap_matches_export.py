"""/rekap's numbers are what an analyst counts by hand from /ekspor's workbook of the same
fiscal year and kecamatan: the register of tests/e2e/office/register.py, for the regency, each
kecamatan (one with a name in HTML characters, one with no cooperative), each segment, and an
officer's own, on SQLite and PostgreSQL."""

from __future__ import annotations

import calendar
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from openpyxl import load_workbook

from telegram_stub import BotApiStub
from tests.e2e.office.register import (
    ADMIN,
    ANI,
    AT,
    EMPTY_KECAMATAN,
    HTML_KECAMATAN,
    TODAY,
    YEAR,
    office_config_sections,
    seed_office,
)
from tests.helpers.bot import bot_config, polling_bot
from tests.helpers.clock import FrozenClock
from tests.helpers.driver import BotMessage, Driver, UserSession

NOT_OBLIGED = {"BARU", "BUBAR", "DALAM_PEMBUBARAN"}
ACTIVE = {"AKTIF_RAT", "AKTIF_BELUM_RAT", "RAWAN"}
# Months after the year's end: office target, report deadline, statutory limit (config).
OFFSETS = {"primer": (3, 4, 6), "sekunder": (6, 6, 6)}
CUTOFFS = ("target", "report", "statutory")
CARD_CUTOFF = {"target": "target", "report": "batas lapor", "statutory": "batas UU"}
MISSED_DAY = {"target": "31 Mar", "report": "30 Apr", "statutory": "30 Jun"}
STAGES = (
    ("BELUM_MULAI", "Belum mulai"),
    ("PERSIAPAN", "Persiapan"),
    ("SIAP_RAT", "Siap RAT"),
    ("TERJADWAL", "Terjadwal"),
    ("RAT_TERLAKSANA", "RAT terlaksana"),
    ("DILAPORKAN", "Dilaporkan"),
    ("TERINPUT_ODS", "Terinput (?:ODS|SIMKOPDES)"),  # KDKMP: SIMKOPDES
)
DOCUMENT_WAIT = 60.0
YOUNG = "Kop Desa Merah Putih Muda"
SATISFIED = {"selesai", "tidak_berlaku"}  # as the Checklist sheet writes a status
DONE = "(done)"  # the analyst's own column: the cooperative's items done


def _add_months(day: date, months: int) -> date:
    """What an analyst does with a spreadsheet's EOMONTH: month ends stay month ends."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    last = calendar.monthrange(year, month)[1]
    month_end = day.day == calendar.monthrange(day.year, day.month)[1]
    return date(year, month, last if month_end else min(day.day, last))


def _day(value: object) -> date | None:
    return value.date() if isinstance(value, datetime) else None


@dataclass(frozen=True)
class Hand:
    """An analyst's tally of the Koperasi sheet, for one segment (None: both)."""

    rows: list[dict[str, object]]
    year: int = YEAR

    def of(self, segment: str | None) -> list[dict[str, object]]:
        return [r for r in self.rows if segment is None or r["Segmen"] == segment]

    def deadline(self, row: dict[str, object], kind: str) -> date:
        day, month = (int(p) for p in str(row["Akhir tahun buku"]).split("-"))
        year = self.year
        year_end = date(year, month, min(day, calendar.monthrange(year, month)[1]))
        months = OFFSETS[str(row["Bentuk"] or "primer")][CUTOFFS.index(kind)]
        return _add_months(year_end, months)

    @staticmethod
    def counted(row: dict[str, object]) -> bool:
        return row["Status aktivitas"] not in NOT_OBLIGED

    def owes(self, row: dict[str, object]) -> bool:
        """Whether the cooperative existed for the whole fiscal year (rules.md)."""
        founded = _day(row["Tanggal badan hukum"])
        day, month = (int(p) for p in str(row["Akhir tahun buku"]).split("-"))
        previous_end = date(
            self.year - 1, month, min(day, calendar.monthrange(self.year - 1, month)[1])
        )
        return founded is None or founded <= previous_end + timedelta(days=1)

    def figures(self, segment: str | None) -> dict[str, object]:
        rows = self.of(segment)
        base = [r for r in rows if self.counted(r)]
        held = [r for r in rows if r["RAT diadakan"] is not None]
        reported = [r for r in held if r["Dilaporkan ke Dinas"] is not None]
        out: dict[str, object] = {
            "registered": len(rows),
            "base": len(base),
            "aktif": _pct(sum(r["Status aktivitas"] in ACTIVE for r in base), len(base)),
            "active": sum(r["Status aktivitas"] in ACTIVE for r in base),
            "held": len(held),
            "reporting": _pct(len(reported), len(held)),
            "ods": _pct(sum(r["Diinput ke ODS"] is not None for r in reported), len(reported)),
        }
        for kind in CUTOFFS:
            obliged = [r for r in base if self.owes(r) and self.deadline(r, kind) < TODAY]
            on_time = [
                r
                for r in obliged
                if (held_on := _day(r["RAT diadakan"])) is not None
                and held_on <= self.deadline(r, kind)
            ]
            out[kind] = _pct(len(on_time), len(obliged))
            out[f"missed_{kind}"] = sorted(
                str(r["Nama koperasi"]) for r in obliged if r not in on_time
            )
        # The mean checklist completion: items done over the items of the cycles' checklists.
        done = sum(int(str(r[DONE])) for r in base)
        items = sum(int(str(r["Butir checklist"])) for r in base)
        out["checklist"] = _pct(done, items)
        stages = {code: 0 for code, _ in STAGES}
        for r in base:
            stages[str(r["Tahap (tahun buku periode)"] or "BELUM_MULAI")] += 1
        out["stages"] = stages
        return out


def _pct(part: int, whole: int) -> str:
    if whole == 0:
        return "—"
    return f"{round(100 * part / whole, 1):.1f}".replace(".", ",") + " %"


def _card_figures(card: BotMessage) -> dict[str, object]:
    body = card.body
    registered = re.search(r"Koperasi: (\d+) terdaftar · (\d+) dihitung", body)
    assert registered is not None, body
    out: dict[str, object] = {
        "registered": int(registered[1]),
        "base": int(registered[2]),
        "aktif": _value(body, r"Aktif: (.+?)(?: \(target|$)"),
        "reporting": _value(body, r"Dilaporkan: (.+?) dari yang RAT"),
        "ods": _value(body, r"input (?:ODS|SIMKOPDES): (.+?) ·"),
    }
    for kind in CUTOFFS:
        out[kind] = _value(body, rf"RAT s\.d\. {CARD_CUTOFF[kind]} [^:]+: (.+?)(?: \(target|$)")
    out["checklist"] = _value(body, r"Checklist rata-rata: (.+)$")
    funnel = _value(body, r"Tahap: (.+)$")
    out["stages"] = {
        code: int(re.search(rf"{label} (\d+)", funnel)[1])  # type: ignore[index]
        for code, label in STAGES
    }
    buttons = dict(b.rsplit(": ", 1) for b in card.buttons if ": " in b)
    out["held"] = int(buttons.get("Sudah RAT", 0))
    out["active"] = int(buttons.get("Aktif", 0))
    return out


def _value(body: str, pattern: str) -> str:
    found = re.search(pattern, body, re.MULTILINE)
    assert found is not None, (pattern, body)
    return found[1]


def _sheet(book: Any, name: str) -> list[dict[str, object]]:
    rows = list(book[name].iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def _koperasi_sheet(stub: BotApiStub, document: BotMessage) -> list[dict[str, object]]:
    """The Koperasi sheet's rows, each with the items done of its Checklist-sheet entries
    (under DONE, as an analyst's helper column)."""
    data = stub.state.file(document.media["document"]["file_id"]).data
    book = load_workbook(io.BytesIO(data), read_only=True)
    done: dict[object, int] = {}
    for entry in _sheet(book, "Checklist"):
        if entry["Status"] in SATISFIED:
            done[entry["ID koperasi"]] = done.get(entry["ID koperasi"], 0) + 1
    rows = _sheet(book, "Koperasi")
    return [{**row, DONE: done.get(row["ID koperasi"], 0)} for row in rows]


async def _export(stub: BotApiStub, user: UserSession, args: str) -> list[dict[str, object]]:
    await user.send(f"/ekspor {args}")
    [document] = await user.wait_for_reply(
        timeout=DOCUMENT_WAIT, predicate=lambda m: "document" in m.media
    )
    return _koperasi_sheet(stub, document)


async def _press(user: UserSession, label: str) -> BotMessage:
    shown = await user.last_message()
    await user.press(label)
    return await user.wait_for_edit(shown)


async def _compare(user: UserSession, hand: Hand, command: str) -> BotMessage:
    """Each segment's card against the analyst's figures; the last card shown is returned."""
    await user.send(command)
    [card] = await user.wait_for_reply()
    for segment, label in (("reguler", None), ("kdkmp", "KDKMP"), (None, "Total")):
        if label is not None:
            card = await _press(user, label)
        expected = hand.figures(segment)
        shown = _card_figures(card)
        for name, value in shown.items():
            assert value == expected[name], (command, segment, name, card.body)
        for kind in CUTOFFS:
            missed = len(expected[f"missed_{kind}"])  # type: ignore[arg-type]
            button = f"Belum RAT {MISSED_DAY[kind]}: {missed}"
            assert (button in card.buttons) == (missed > 0), (command, segment, kind, card.buttons)
    return card


async def test_rekap_equals_the_hand_count_of_the_export(
    stub: BotApiStub, database_url: str, driver: Driver
) -> None:
    cfg = bot_config(stub, database_url, **office_config_sections())
    await seed_office(database_url, cfg)
    admin, ani = driver.user(ADMIN, "Dedi"), driver.user(ANI, "Ani")
    async with polling_bot(cfg, FrozenClock(AT)):
        regency = Hand(await _export(stub, admin, f"{YEAR} semua"))
        assert len(regency.rows) == 10
        # two items done of KUD Sumber Makmur's three entries, one of KSP Dana & Karya's
        assert sum(int(str(r[DONE])) for r in regency.rows) == 3
        total = await _compare(admin, regency, f"/rekap {YEAR}")

        # The list behind "Belum RAT 30 Apr" is the analyst's list.
        missed = regency.figures(None)["missed_report"]
        assert isinstance(missed, list)
        listed = await _press(admin, f"Belum RAT 30 Apr: {len(missed)}")
        names = sorted(
            line.split(". ", 1)[1].rsplit(" — ", 1)[0]
            for line in listed.body.splitlines()
            if re.match(r"\d+\. ", line)
        )
        assert names == missed
        assert "Segmen: Total" in total.body

        # The table per kecamatan (total segment): each row is the analyst's count of its rows.
        await _press(admin, "« Kembali ke rekap")
        table = await _press(admin, "Per kecamatan")
        shown = {
            found[1]: (int(found[2]), found[3], found[4])
            for line in table.body.splitlines()
            if (
                found := re.match(
                    r"\d+\. (.+): (\d+) koperasi · aktif (.+) · RAT s\.d\. 31 Mar (.+)$", line
                )
            )
        }
        expected = {}
        for kecamatan in sorted({str(r["Kecamatan"]) for r in regency.rows}):
            figures = Hand([r for r in regency.rows if r["Kecamatan"] == kecamatan]).figures(None)
            expected[kecamatan] = (figures["registered"], figures["aktif"], figures["target"])
        assert shown == expected

        for kecamatan in ("Kraksaan", HTML_KECAMATAN, EMPTY_KECAMATAN):
            rows = await _export(stub, admin, f"{YEAR} {kecamatan}")
            assert {r["Kecamatan"] for r in rows} <= {kecamatan}
            assert rows == [r for r in regency.rows if r["Kecamatan"] == kecamatan]
            card = await _compare(admin, Hand(rows), f"/rekap {YEAR} {kecamatan}")
            assert f"Kec. {kecamatan}" in card.body

        # The year before: a cooperative formed during it owes none of its RATs.
        earlier = Hand(await _export(stub, admin, f"{YEAR - 1} semua"), YEAR - 1)
        assert not earlier.owes(next(r for r in earlier.rows if r["Nama koperasi"] == YOUNG))
        await _compare(admin, earlier, f"/rekap {YEAR - 1}")

        mine = Hand(await _export(stub, ani, f"{YEAR} semua"))
        assert {r["Petugas"] for r in mine.rows} == {"Ani"}
        assert len(mine.rows) == 3
        card = await _compare(ani, mine, f"/rekap {YEAR}")
        assert "Koperasi dampingan Anda" in card.body
