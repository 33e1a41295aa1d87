"""The board check after a RAT with elections: *Masih sama*, or a member off.

Sent, after the status card, to whoever recorded the RAT held with elections (a board member,
or the officer or admin on the board's behalf). Every press is authorised again here
(`services.board_check.load_check`: the cooperative's board, its officer, an admin — never
pimpinan); a button naming someone no longer on the board is answered as stale.
"""

from __future__ import annotations

from dataclasses import replace

from telegram import InlineKeyboardMarkup, Update

from domain.callbacks import BoardCheckAction, BoardCheckButton
from domain.koperasi_list import BoardMember, shorten
from handlers.auth import refuse
from handlers.callbacks import answer_callback
from handlers.context import BotContext
from handlers.keyboards import Row, plain, single
from handlers.replies import reply
from handlers.screens import show
from handlers.values import field_value, person_name
from locales import N_, Translator
from services.board_check import BoardCheck, confirm_unchanged, load_check
from services.onboarding import BoardRemoval, remove_board_member

NAME_CHARS = 30  # a name in the list and on a button
Screen = tuple[str, InlineKeyboardMarkup | None]


def _data(check: BoardCheck, action: BoardCheckAction, person_id: int = 0) -> str:
    return BoardCheckButton(check.koperasi_id, action, person_id).encode()


def _name(tr: Translator, member: BoardMember) -> str:
    return shorten(person_name(tr, member.name), NAME_CHARS)


def _line(tr: Translator, member: BoardMember) -> str:
    if member.jabatan is None:
        return tr.t("koperasi.card.member_no_jabatan", name=_name(tr, member))
    jabatan = field_value(tr, "jabatan", member.jabatan)
    return tr.t("koperasi.card.member", name=_name(tr, member), jabatan=jabatan)


def render_check(tr: Translator, check: BoardCheck, notice: str | None = None) -> Screen:
    """The linked members, *Masih sama*, one *tidak lagi pengurus* per member, and how new
    members join (an invite from the office)."""
    text = [notice, ""] if notice else []
    text.append(tr.t("board_check.title", nama=check.nama))
    text += [_line(tr, m) for m in check.members] or [tr.t("board_check.none")]
    text += ["", tr.t("board_check.question"), tr.t("board_check.invite_hint")]
    rows: list[Row] = [
        single(tr.t("board_check.button.same"), _data(check, BoardCheckAction.CONFIRM))
    ]
    for member in check.members:
        label = plain(tr.t("board_check.button.remove", name=_name(tr, member)))
        rows.append(single(label, _data(check, BoardCheckAction.ASK, member.person_id)))
    return "\n".join(text), InlineKeyboardMarkup(rows)


def _ask(tr: Translator, check: BoardCheck, member: BoardMember, self_id: int | None) -> Screen:
    """Asks once more; says plainly what taking oneself, or the last member, off means."""
    back = single(tr.t("koperasi.button.cancel"), _data(check, BoardCheckAction.LIST))
    last = len(check.members) <= 1
    if last and not check.office:  # the office takes the last one off, not the board
        return tr.t("board_check.last_member", nama=check.nama), InlineKeyboardMarkup([back])
    if member.person_id == self_id:
        text = tr.t("board_check.confirm_self", nama=check.nama)
    else:
        text = tr.t("board_check.confirm", name=_name(tr, member), nama=check.nama)
    if last:
        text += "\n" + tr.t("board_check.confirm_last")
    remove = _data(check, BoardCheckAction.REMOVE, member.person_id)
    rows = [single(tr.t("board_check.button.remove_yes"), remove), back]
    return text, InlineKeyboardMarkup(rows)


async def send_board_check(update: Update, context: BotContext, koperasi_id: int) -> None:
    """The check as a new message (after the card of a RAT held with elections)."""
    async with context.services.uow(write=False) as uow:
        check = await load_check(uow, context.viewer, koperasi_id)
    if check is not None:
        text, markup = render_check(context.tr, check)
        await reply(update, context, text, markup=markup)


async def _remove(
    update: Update, context: BotContext, check: BoardCheck, member: BoardMember
) -> Screen | None:
    services, viewer, tr = context.services, context.viewer, context.tr
    async with services.uow() as uow:
        removed = await remove_board_member(
            uow,
            viewer,
            check.koperasi_id,
            member.person_id,
            services.clock.now(),
            catalogues=services.catalogues,
            by_board=True,
        )
        await uow.commit()
    if removed is BoardRemoval.LAST_MEMBER:
        # A pop-up holds 200 characters of plain text: no name (it may be long), no markup.
        text = tr.t(N_("board_check.last_member_alert"))
        await answer_callback(update, context, text, alert=True)
        return None
    if removed is BoardRemoval.NOT_ALLOWED:
        await refuse(update, context)
        return None
    if member.person_id == viewer.person_id:  # took themselves off: nothing more here
        return tr.t("board_check.removed_self", nama=check.nama), None
    others = tuple(m for m in check.members if m.person_id != member.person_id)
    notice = tr.t("koperasi.card.removed", name=_name(tr, member))
    return render_check(tr, replace(check, members=others), notice)


async def on_board_check_button(update: Update, context: BotContext) -> None:
    """Every `pb:` button: decoded, authorised again, then shown in place."""
    query = update.callback_query
    pressed = BoardCheckButton.decode(query.data or "") if query is not None else None
    if pressed is None:
        await answer_callback(update, context, context.tr.t("callback.stale"))
        return
    services, tr = context.services, context.tr
    async with services.uow(write=False) as uow:
        check = await load_check(uow, context.viewer, pressed.koperasi_id)
    if check is None:
        await refuse(update, context)
        return
    member = check.member(pressed.person_id)
    screen: Screen | None
    if pressed.action is BoardCheckAction.LIST:
        screen = render_check(tr, check)
    elif pressed.action is BoardCheckAction.CONFIRM:
        async with services.uow() as uow:
            await confirm_unchanged(uow, context.viewer, check, services.clock.now())
            await uow.commit()
        screen = tr.t("board_check.confirmed", nama=check.nama), None
    elif member is None:  # taken off meanwhile (or a made-up id): the list as it is now
        await answer_callback(update, context, tr.t("callback.stale"))
        await show(update, context, *render_check(tr, check))
        return
    elif pressed.action is BoardCheckAction.ASK:
        screen = _ask(tr, check, member, context.viewer.person_id)
    else:
        screen = await _remove(update, context, check, member)
    if screen is not None:
        await answer_callback(update, context)
        await show(update, context, *screen)
