"""How the /koperasi screens look: the list, its filters and the cooperative card.

Renderers only (text and buttons, no storage, no Telegram calls). Every user-supplied value
goes through the translator, which escapes it; long values are cut before escaping.
Callback data: `KoperasiButton` (domain.callbacks), carrying the list state to go back to, so
*Kembali ke daftar* returns to the same list (search and filter included).
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardMarkup

from domain.callbacks import KoperasiAction, KoperasiButton
from domain.koperasi_list import (
    ADDRESS_IN_CARD,
    BOARD_SHOWN,
    NAME_IN_LIST,
    BoardMember,
    CardActions,
    KoperasiCard,
    ListFilter,
    ListState,
    shorten,
    split_shown,
)
from domain.stages import STAGES
from handlers.keyboards import Row, button, numbered_rows, page_row, plain, rows_of, single
from handlers.screens import fits
from handlers.values import field_label, field_value, person_name
from locales import N_, Safe, Translator
from locales.labels import FLAG_KEYS, stage_label
from services.koperasi_query import ListPage

KECAMATAN_PER_PAGE = 24
Screen = tuple[str, InlineKeyboardMarkup]


def _data(action: KoperasiAction, *ids: int, state: ListState | None = None) -> str:
    return KoperasiButton(action, ids, state or ListState()).encode()


def _filters_data(f: ListFilter) -> str:
    return _data(KoperasiAction.FILTERS, state=ListState(0, f))


def card_data(koperasi_id: int, back: ListState | None = None) -> str:
    """The callback data that opens a card (`back`: the list page its *Kembali* shows)."""
    return _data(KoperasiAction.CARD, koperasi_id, state=back)


def list_data(state: ListState) -> str:
    """The callback data that shows this list page."""
    return _data(KoperasiAction.LIST, state=state)


def officer_picker_data(koperasi_id: int, page: int, back: ListState) -> str:
    """*Ganti petugas* on a card: the officers' page `page`, then back to the list `back`."""
    return _data(KoperasiAction.PICK_OFFICER, koperasi_id, page, state=back)


def change_officer_data(koperasi_id: int, officer_id: int, back: ListState) -> str:
    """The card's cooperative to `officer_id` (0: the admins' queue), then its card again."""
    return _data(KoperasiAction.CHANGE_OFFICER, koperasi_id, officer_id, state=back)


def flag_labels(tr: Translator, flags: Sequence[str]) -> str:
    """The translated flags, comma-separated ('' when none)."""
    return ", ".join(tr.t(FLAG_KEYS[flag]) for flag in flags if flag in FLAG_KEYS)


def describe_filter(
    tr: Translator, state: ListState, kecamatan: Sequence[str], query: str | None
) -> str:
    """The active filters in words ('' when none)."""
    f, parts = state.filter, []
    if f.kecamatan is not None and f.kecamatan < len(kecamatan):
        parts.append(tr.t("koperasi.filter.desc_kecamatan", name=kecamatan[f.kecamatan]))
    if f.stage is not None:
        parts.append(tr.t("koperasi.filter.desc_stage", stage=stage_label(tr, STAGES[f.stage])))
    if f.late:
        parts.append(tr.t("koperasi.filter.desc_late"))
    if f.at_risk:
        parts.append(tr.t("koperasi.filter.desc_at_risk"))
    if f.search and query:
        parts.append(tr.t("koperasi.filter.desc_search", query=shorten(query, 40)))
    return " · ".join(parts)


def _empty_text(tr: Translator, state: ListState, region: bool) -> str:
    if state.filter.active:
        return tr.t("koperasi.list.empty")
    if region:
        return tr.t("koperasi.list.empty_region")
    return tr.t("koperasi.list.empty_mine")


def render_list(
    tr: Translator,
    title: str,
    page: ListPage,
    state: ListState,
    filters: str,
    *,
    region: bool = False,
) -> Screen:
    """The numbered page with a button per card, ◀︎ ▶︎, Filter and Cari.

    An empty page says why: nothing matches the filter, or (no filter on) nothing is in the
    viewer's scope yet — the whole register for an admin (`region`), else her own list.
    """
    window = page.window
    lines = [
        title,
        tr.t("koperasi.list.count", total=window.total, page=window.page + 1, pages=window.pages),
    ]
    if filters:
        lines.append(tr.t("koperasi.list.filters", filters=Safe(filters)))
    lines.append("")
    for index, line in enumerate(page.lines):
        flags = flag_labels(tr, line.flags)
        lines.append(
            tr.t(
                "koperasi.list.item",
                number=window.number(index),
                nama=shorten(line.nama, NAME_IN_LIST),
                kecamatan=line.kecamatan or tr.t("koperasi.kecamatan.unknown"),
                stage=stage_label(tr, line.tahap),
            )
            + (tr.t("koperasi.list.flags", flags=Safe(flags)) if flags else "")
        )
    lines.append(tr.t("koperasi.list.hint") if page.lines else _empty_text(tr, state, region))
    here = ListState(window.page, state.filter)
    rows = numbered_rows(
        window,
        [line.id for line in page.lines],
        lambda kid: card_data(kid, here),
    )
    pages = page_row(tr, window, lambda p: list_data(ListState(p, state.filter)))
    rows += [pages] if pages else []
    tools = [
        button(tr.t("koperasi.button.filter"), _data(KoperasiAction.FILTERS, state=here)),
        button(tr.t("koperasi.button.search"), _data(KoperasiAction.SEARCH)),
    ]
    if state.filter.active:
        tools.append(button(tr.t("koperasi.button.clear"), list_data(ListState())))
    return "\n".join(lines), InlineKeyboardMarkup([*rows, tools])


def render_filter_menu(tr: Translator, state: ListState, filters: str) -> Screen:
    """Which filter to change; late and at risk toggle at once."""
    f = state.filter
    text = tr.t("koperasi.filter.title") + "\n" + (filters or tr.t("koperasi.filter.none"))
    late_key = N_("koperasi.filter.late_on") if f.late else N_("koperasi.filter.late_off")
    risk_key = N_("koperasi.filter.at_risk_on") if f.at_risk else N_("koperasi.filter.at_risk_off")
    rows: list[Row] = [
        [
            button(
                tr.t("koperasi.filter.kecamatan"),
                _data(KoperasiAction.KECAMATAN, state=ListState(0, f)),
            ),
            button(
                tr.t("koperasi.filter.stage"), _data(KoperasiAction.STAGES, state=ListState(0, f))
            ),
        ],
        [
            button(tr.t(late_key), list_data(ListState(0, f.toggled_late()))),
            button(tr.t(risk_key), list_data(ListState(0, f.toggled_at_risk()))),
        ],
        single(tr.t("koperasi.button.clear"), list_data(ListState())),
        single(tr.t("koperasi.button.back"), list_data(state)),
    ]
    return text, InlineKeyboardMarkup(rows)


def render_kecamatan_picker(
    tr: Translator, kecamatan: Sequence[str], page: int, f: ListFilter
) -> Screen:
    """The configured kecamatan, 24 a page; each shows the list filtered by it."""
    pages = max(1, -(-len(kecamatan) // KECAMATAN_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    start = page * KECAMATAN_PER_PAGE
    names = [
        button(name, list_data(ListState(0, f.with_kecamatan(start + i))))
        for i, name in enumerate(kecamatan[start : start + KECAMATAN_PER_PAGE])
    ]
    rows = rows_of(names, 3)
    if pages > 1:
        rows.append(
            [
                button(
                    tr.t("keyboard.page", page=p + 1, pages=pages),
                    _data(KoperasiAction.KECAMATAN, state=ListState(p, f)),
                )
                for p in range(pages)
            ]
        )
    rows.append(
        single(
            tr.t("koperasi.filter.any_kecamatan"), list_data(ListState(0, f.with_kecamatan(None)))
        )
    )
    rows.append(single(tr.t("koperasi.button.back"), _filters_data(f)))
    return tr.t("koperasi.filter.pick_kecamatan"), InlineKeyboardMarkup(rows)


def render_stage_picker(tr: Translator, f: ListFilter) -> Screen:
    """The stages, lowest first; each shows the list filtered by it."""
    stages = [
        button(stage_label(tr, stage), list_data(ListState(0, f.with_stage(i))))
        for i, stage in enumerate(STAGES)
    ]
    rows = rows_of(stages, 2)
    rows.append(
        single(tr.t("koperasi.filter.any_stage"), list_data(ListState(0, f.with_stage(None))))
    )
    rows.append(single(tr.t("koperasi.button.back"), _filters_data(f)))
    return tr.t("koperasi.filter.pick_stage"), InlineKeyboardMarkup(rows)


def _member_line(tr: Translator, member: BoardMember) -> str:
    name = shorten(person_name(tr, member.name), NAME_IN_LIST)
    if member.jabatan is None:
        return tr.t("koperasi.card.member_no_jabatan", name=name)
    jabatan = field_value(tr, "jabatan", member.jabatan)
    return tr.t("koperasi.card.member", name=name, jabatan=jabatan)


def _card_head(tr: Translator, card: KoperasiCard, status: Sequence[str]) -> list[str]:
    flags = flag_labels(tr, card.flags)
    flag_line = (
        tr.t("koperasi.card.flags", flags=Safe(flags)) if flags else tr.t("koperasi.card.no_flags")
    )
    officer = (
        tr.t("koperasi.card.officer", name=person_name(tr, card.petugas_name))
        if card.petugas_id is not None
        else tr.t("koperasi.card.queue")
    )
    # The RAT status card's lines (handlers.status_views) replace the short stage line.
    standing = list(status) or [
        tr.t("koperasi.card.stage", stage=stage_label(tr, card.tahap)),
        flag_line,
        officer,
    ]
    return [
        tr.t("koperasi.card.title", nama=card.nama),
        *standing,
        "",
        tr.t("koperasi.card.profile"),
    ]


def _profile_lines(tr: Translator, card: KoperasiCard) -> list[str]:
    lines = []
    for name, value in card.profile.items():
        shown = field_value(tr, name, value)
        if name == "alamat":
            shown = shorten(shown, ADDRESS_IN_CARD)
        lines.append(tr.t("koperasi.card.field", label=field_label(tr, name), value=shown))
    return lines


def render_card(
    tr: Translator,
    card: KoperasiCard,
    actions: CardActions,
    back: ListState,
    notice: str = "",
    status: Sequence[str] = (),
) -> Screen:
    """The card: head (`status`: its RAT status lines), profile, board (cut with "dan N
    lainnya" to fit 4096), actions."""
    head = ([notice, ""] if notice else []) + _card_head(tr, card, status)
    head += _profile_lines(tr, card)
    shown, hidden = split_shown(card.board, BOARD_SHOWN)
    while True:
        board = [_member_line(tr, m) for m in shown] or [tr.t("koperasi.card.no_board")]
        if hidden:
            board.append(tr.t("koperasi.card.more", count=hidden))
        text = "\n".join([*head, "", tr.t("koperasi.card.board"), *board])
        if fits(text) or not shown:
            break
        shown, hidden = shown[:-1], hidden + 1
    rows: list[Row] = []
    if actions.remove_board:
        for member in shown:
            name = shorten(person_name(tr, member.name), 30)
            data = _data(KoperasiAction.REMOVE_ASK, card.id, member.person_id, state=back)
            rows.append(single(plain(tr.t("koperasi.button.remove_member", name=name)), data))
    if actions.change_officer:
        rows.append(
            single(tr.t("koperasi.button.change_officer"), officer_picker_data(card.id, 0, back))
        )
    rows.append(single(tr.t("koperasi.button.back_to_list"), list_data(back)))
    return text, InlineKeyboardMarkup(rows)


def render_remove_confirm(
    tr: Translator, card: KoperasiCard, member: BoardMember, back: ListState
) -> Screen:
    """Asks before a board member loses their seat."""
    text = tr.t(
        "koperasi.remove.confirm",
        name=shorten(person_name(tr, member.name), NAME_IN_LIST),
        nama=shorten(card.nama, NAME_IN_LIST),
    )
    remove = _data(KoperasiAction.REMOVE, card.id, member.person_id, state=back)
    rows = [
        single(tr.t("koperasi.button.confirm_remove"), remove),
        single(tr.t("koperasi.button.cancel"), card_data(card.id, back)),
    ]
    return text, InlineKeyboardMarkup(rows)
