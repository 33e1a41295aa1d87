"""The role's home menu: who you are here, your cooperative(s), your commands, a few buttons.

Shown by /start to a known person and right after onboarding, in the person's language.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from domain.access import Role, Viewer
from domain.callbacks import BoardSwitch, InviteMenu
from domain.commands import visible_commands
from domain.koperasi_list import NAME_IN_LIST, shorten
from domain.worklist import HOME_LINES
from handlers.context import BotContext
from handlers.help import command_lines
from handlers.replies import reply
from handlers.status_views import first_time_text, status_for
from handlers.worklist_views import worklist_block
from locales import N_, Safe, Translator
from services.consent import role_names
from services.menus import all_commands
from services.worklist import officer_worklist

ROLE_BLURB_KEYS = {
    Role.ADMIN: N_("home.role.admin"),
    Role.PIMPINAN: N_("home.role.pimpinan"),
    Role.PETUGAS: N_("home.role.petugas"),
    Role.PENGURUS: N_("home.role.pengurus"),
}


def _boards_line(tr: Translator, boards: Sequence[tuple[int, str]], selected: int | None) -> str:
    names = dict(boards)
    if len(boards) == 1:
        return tr.t("home.board_one", koperasi=shorten(boards[0][1], NAME_IN_LIST))
    if selected in names:
        chosen = shorten(names[selected], NAME_IN_LIST)
        return tr.t("home.board_many", count=len(boards), koperasi=chosen)
    return tr.t("home.board_many_unchosen", count=len(boards))


def home_text(
    tr: Translator,
    viewer: Viewer,
    boards: Sequence[tuple[int, str]] = (),
    selected: int | None = None,
    *,
    intro: str | None = None,
) -> str:
    """The menu: roles, cooperatives (board members), what each role does, its commands."""
    roles = Safe(role_names(tr, viewer.roles))
    parts = [intro or tr.t("start.welcome_back", roles=roles)]
    if boards:
        parts.append(_boards_line(tr, boards, selected))
    parts.append(
        "\n".join(tr.t(key) for role, key in ROLE_BLURB_KEYS.items() if role in viewer.roles)
    )
    commands = [spec for spec in visible_commands(all_commands(), viewer) if spec.roles]
    if commands:
        parts.append(command_lines(tr, commands))
    parts.append(tr.t("home.footer"))
    return "\n\n".join(parts)


def home_markup(tr: Translator, viewer: Viewer, board_count: int) -> InlineKeyboardMarkup | None:
    """Buttons for what a role starts most often."""
    rows = []
    if viewer.has(Role.ADMIN):
        rows.append(
            [InlineKeyboardButton(tr.t("home.button.invite"), callback_data=InviteMenu().encode())]
        )
    if board_count > 1:
        label = tr.t("home.button.switch")
        rows.append([InlineKeyboardButton(label, callback_data=BoardSwitch().encode())])
    return InlineKeyboardMarkup(rows) if rows else None


async def board_names(
    context: BotContext, viewer: Viewer
) -> tuple[list[tuple[int, str]], int | None]:
    """The viewer's cooperatives (id, name) by name, and the one they chose last."""
    ids = viewer.board_koperasi_ids()
    if not ids or viewer.person_id is None:
        return [], None
    async with context.services.uow(write=False) as uow:
        person = await uow.people.get(viewer.person_id)
        found = [await uow.koperasi.get(koperasi_id) for koperasi_id in sorted(ids)]
    boards = sorted(((k.id, k.nama) for k in found if k is not None), key=lambda b: b[1].lower())
    return boards, person.selected_koperasi_id if person is not None else None


async def worklist_text(context: BotContext, viewer: Viewer) -> str:
    """An officer's first worklist lines ('' for anyone else, or nothing to do)."""
    if viewer.person_id is None or not viewer.has(Role.PETUGAS):
        return ""
    services = context.services
    async with services.uow(write=False) as uow:
        now, tz = services.clock.now(), services.config.region.tz
        work = await officer_worklist(uow, viewer.person_id, now, tz)
    return worklist_block(context.tr, work, HOME_LINES)


async def send_home(
    update: Update, context: BotContext, viewer: Viewer | None = None, *, intro: str | None = None
) -> None:
    """Replies with the home menu of `viewer` (default: the sender as the gate saw them)."""
    viewer = viewer or context.viewer
    boards, selected = await board_names(context, viewer)
    text = home_text(context.tr, viewer, boards, selected, intro=intro)
    # A board member's home starts with the status card of their cooperative.
    chosen = boards[0][0] if len(boards) == 1 else selected
    card = await status_for(context, chosen, viewer) if chosen is not None else None
    if card is not None:
        text = await first_time_text(context, card, viewer) + "\n\n" + text
    work = await worklist_text(context, viewer)
    if work:  # an officer's home starts with what needs action
        text = work + "\n\n" + text
    await reply(update, context, text, markup=home_markup(context.tr, viewer, len(boards)))
