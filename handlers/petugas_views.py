"""How the /petugas screens look: officers with their workload, pickers, confirmations.

Renderers only. Callback data: `PetugasButton` (domain.callbacks), an action and its numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from telegram import InlineKeyboardMarkup

from domain.callbacks import PetugasAction, PetugasButton
from domain.koperasi_list import NAME_IN_LIST, shorten
from domain.workload import Workload
from handlers.keyboards import Row, button, numbered_rows, page_row, plain, rows_of, single
from handlers.koperasi_views import Screen
from handlers.values import person_name
from locales import Safe, Translator
from locales.labels import stage_label
from services.koperasi_query import ListPage, OfficerPage

# The search form's subject when an admin searches for a cooperative to give this officer:
# `p<officer id>`.
PREFIX = "p"
KECAMATAN_PER_PAGE = 24


def petugas_data(action: PetugasAction, *numbers: int) -> str:
    """The callback data of a /petugas button."""
    return PetugasButton(action, numbers).encode()


def officer_name(tr: Translator, load: Workload) -> str:
    """The officer's name, cut for lists and buttons."""
    return shorten(person_name(tr, load.name), NAME_IN_LIST)


def _numbers(tr: Translator, load: Workload) -> str:
    return tr.t(
        "petugas.numbers",
        koperasi=load.koperasi,
        late=load.late,
        at_risk=load.at_risk,
        unreachable=load.unreachable,
    )


def render_officers(tr: Translator, page: OfficerPage) -> Screen:
    """Officers by name, each with their workload; the admins' queue on top."""
    window = page.window
    lines = [
        tr.t("petugas.list.title"),
        tr.t("petugas.list.count", total=window.total, page=window.page + 1, pages=window.pages),
        tr.t("petugas.list.queue", count=page.queue),
        "",
    ]
    for index, load in enumerate(page.officers):
        name = officer_name(tr, load)
        numbers = Safe(_numbers(tr, load))
        lines.append(
            tr.t("petugas.list.item", number=window.number(index), name=name, numbers=numbers)
        )
    if not page.officers:
        lines.append(tr.t("petugas.list.empty"))
    ids = [load.person_id for load in page.officers]
    rows = numbered_rows(window, ids, lambda pid: petugas_data(PetugasAction.OPEN, pid))
    pages = page_row(tr, window, lambda p: petugas_data(PetugasAction.LIST, p))
    return "\n".join(lines), InlineKeyboardMarkup(rows + ([pages] if pages else []))


def render_officer(tr: Translator, load: Workload, notice: str = "") -> Screen:
    """One officer: workload and what the admin can do."""
    pid = load.person_id
    text = "\n".join(
        [
            *([notice, ""] if notice else []),
            tr.t("petugas.officer.title", name=officer_name(tr, load)),
            _numbers(tr, load),
        ]
    )
    rows = [
        single(tr.t("petugas.button.by_kecamatan"), petugas_data(PetugasAction.KECAMATAN, pid, 0)),
        single(tr.t("petugas.button.one"), petugas_data(PetugasAction.SEARCH, pid)),
        single(tr.t("petugas.button.move"), petugas_data(PetugasAction.MOVE_PICK, pid, 0)),
        single(tr.t("petugas.button.deactivate"), petugas_data(PetugasAction.DEACTIVATE_ASK, pid)),
        single(tr.t("petugas.button.back"), petugas_data(PetugasAction.LIST, 0)),
    ]
    return text, InlineKeyboardMarkup(rows)


def render_kecamatan_pick(
    tr: Translator, load: Workload, kecamatan: Sequence[str], page: int
) -> Screen:
    """The configured kecamatan, 24 a page."""
    pid = load.person_id
    pages = max(1, -(-len(kecamatan) // KECAMATAN_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    start = page * KECAMATAN_PER_PAGE
    names = [
        button(name, petugas_data(PetugasAction.KECAMATAN_ASK, pid, start + i))
        for i, name in enumerate(kecamatan[start : start + KECAMATAN_PER_PAGE])
    ]
    rows = rows_of(names, 3)
    if pages > 1:
        labels = [tr.t("keyboard.page", page=p + 1, pages=pages) for p in range(pages)]
        rows.append(
            [
                button(label, petugas_data(PetugasAction.KECAMATAN, pid, p))
                for p, label in enumerate(labels)
            ]
        )
    rows.append(single(tr.t("petugas.button.back"), petugas_data(PetugasAction.OPEN, pid)))
    text = tr.t("petugas.kecamatan.pick", name=officer_name(tr, load))
    return text, InlineKeyboardMarkup(rows)


def render_kecamatan_ask(
    tr: Translator, load: Workload, index: int, kecamatan: str, counts: tuple[int, int]
) -> Screen:
    """Those without an officer, or every cooperative of the kecamatan?"""
    pid, (total, unassigned) = load.person_id, counts
    text = tr.t(
        "petugas.kecamatan.ask",
        kecamatan=kecamatan,
        total=total,
        unassigned=unassigned,
        name=officer_name(tr, load),
    )
    unassigned_data = petugas_data(PetugasAction.ASSIGN_UNASSIGNED, pid, index)
    rows = [
        single(tr.t("petugas.button.unassigned", count=unassigned), unassigned_data),
        single(
            tr.t("petugas.button.all", count=total),
            petugas_data(PetugasAction.ASSIGN_ALL, pid, index),
        ),
        single(tr.t("petugas.button.cancel"), petugas_data(PetugasAction.OPEN, pid)),
    ]
    return text, InlineKeyboardMarkup(rows)


def render_officer_picker(
    tr: Translator,
    title: str,
    page: OfficerPage,
    pick: Callable[[int], str],
    turn: Callable[[int], str],
    tail: list[Row],
) -> Screen:
    """Officers as buttons ("name (n)"); `pick(officer)` and `turn(page)` make the data."""
    rows = [
        single(
            plain(tr.t("petugas.picker.item", name=officer_name(tr, load), count=load.koperasi)),
            pick(load.person_id),
        )
        for load in page.officers
    ]
    pages = page_row(tr, page.window, turn)
    return title, InlineKeyboardMarkup(rows + ([pages] if pages else []) + tail)


def render_koperasi_pick(
    tr: Translator,
    title: str,
    page: ListPage,
    pick: Callable[[int], str],
    turn: Callable[[int], str],
    back: str,
) -> Screen:
    """Cooperatives numbered with their officer, a button each; for one-by-one assignment."""
    window = page.window
    lines = [title, ""]
    for index, line in enumerate(page.lines):
        officer = (
            person_name(tr, line.petugas_name)
            if line.petugas_id is not None
            else Safe(tr.t("petugas.queue_short"))
        )
        lines.append(
            tr.t(
                "petugas.koperasi.item",
                number=window.number(index),
                nama=shorten(line.nama, NAME_IN_LIST),
                kecamatan=line.kecamatan or tr.t("koperasi.kecamatan.unknown"),
                stage=stage_label(tr, line.tahap),
                officer=shorten(officer, NAME_IN_LIST),
            )
        )
    if not page.lines:
        lines.append(tr.t("koperasi.list.empty"))
    rows = numbered_rows(window, [line.id for line in page.lines], pick)
    pages = page_row(tr, window, turn)
    rows += [pages] if pages else []
    rows.append(single(tr.t("petugas.button.back"), back))
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def render_move_ask(tr: Translator, source: Workload, target: Workload) -> Screen:
    """Move every cooperative, or pick one?"""
    ids = source.person_id, target.person_id
    text = tr.t(
        "petugas.move.ask",
        from_name=officer_name(tr, source),
        to_name=officer_name(tr, target),
        count=source.koperasi,
    )
    rows = [
        single(
            tr.t("petugas.button.move_all", count=source.koperasi),
            petugas_data(PetugasAction.MOVE_ALL, *ids),
        ),
        single(tr.t("petugas.button.move_one"), petugas_data(PetugasAction.MOVE_ONE, *ids, 0)),
        single(tr.t("petugas.button.cancel"), petugas_data(PetugasAction.OPEN, source.person_id)),
    ]
    return text, InlineKeyboardMarkup(rows)


def render_deactivate_confirm(tr: Translator, load: Workload) -> Screen:
    """Asks before an officer loses the role and their cooperatives go to the queue."""
    text = tr.t("petugas.deactivate.confirm", name=officer_name(tr, load), count=load.koperasi)
    rows = [
        single(
            tr.t("petugas.button.confirm_deactivate"),
            petugas_data(PetugasAction.DEACTIVATE, load.person_id),
        ),
        single(tr.t("petugas.button.cancel"), petugas_data(PetugasAction.OPEN, load.person_id)),
    ]
    return text, InlineKeyboardMarkup(rows)


def render_deactivated(tr: Translator, load: Workload, count: int) -> Screen:
    """The officer is gone; their cooperatives wait in the admins' queue."""
    text = tr.t("petugas.deactivated", name=officer_name(tr, load), count=count)
    return text, InlineKeyboardMarkup(
        [single(tr.t("petugas.button.back"), petugas_data(PetugasAction.LIST, 0))]
    )
