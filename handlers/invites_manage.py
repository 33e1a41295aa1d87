"""/undang's bulk invites (one per cooperative, as an XLSX) and the admin's open invites with
*Cabut*; plus the paging helpers /undang's lists share."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from telegram import InlineKeyboardMarkup, InputFile, Update
from telegram.error import BadRequest

from domain.access import Role
from domain.callbacks import (
    InviteBulk,
    InviteBulkAll,
    InviteListPage,
    InviteRevoke,
    InviteRevokeConfirm,
)
from domain.koperasi_list import NAME_IN_LIST, PageWindow, shorten
from handlers.callbacks import answer_callback, press_key
from handlers.context import BotContext
from handlers.keyboards import Row, button, page_row, plain, rows_of, single
from handlers.replies import reply
from locales import N_, Safe, Translator
from services.consent import ROLE_NAME_KEYS
from services.invites import (
    bulk_workbook,
    create_board_invites,
    open_invites_page,
    revoke_invite,
)


def navigation(tr: Translator, window: PageWindow, data: Callable[[int], str]) -> list[Row]:
    """The shared ◀︎ n/m ▶︎ row of a paged list, `data(page)` its callback data (none for one
    page)."""
    row = page_row(tr, window, data)
    return [row] if row else []


async def show(
    update: Update,
    context: BotContext,
    text: str,
    keyboard: InlineKeyboardMarkup | None,
    *,
    edit: bool,
) -> None:
    """Replaces the pressed message (paging), or sends a new one."""
    message = update.effective_message
    if edit and message is not None and update.callback_query is not None:
        # Paging buttons always lead to another page, so the text differs; a message too old
        # to edit gets the page as a new message instead.
        with contextlib.suppress(BadRequest):
            await message.edit_text(text, reply_markup=keyboard)
            return
    await reply(update, context, text, markup=keyboard)


def target_text(tr: Translator, role: Role, koperasi_nama: str | None) -> str:
    """Whom an invite is for: a role, or the board of a cooperative."""
    if koperasi_nama is not None:
        return tr.t("undang.target_board", koperasi=shorten(koperasi_nama, NAME_IN_LIST))
    return tr.t(ROLE_NAME_KEYS[role])


async def bulk_menu(update: Update, context: BotContext) -> None:
    """Which kecamatan (by its index in the configured list) or the whole register."""
    tr, kecamatan = context.tr, context.services.config.region.kecamatan
    buttons = [button(name, InviteBulk(index).encode()) for index, name in enumerate(kecamatan)]
    rows = rows_of(buttons, 3)
    rows.append(single(plain(tr.t("undang.button.bulk_all")), InviteBulkAll().encode()))
    await reply(update, context, tr.t("undang.bulk_choose"), markup=InlineKeyboardMarkup(rows))


async def bulk(update: Update, context: BotContext, kecamatan: str | None) -> None:
    """One board invite per cooperative of `kecamatan` (None: all), sent as an XLSX."""
    services, tr = context.services, context.tr
    async with services.uow() as uow:
        # Two taps arriving together would otherwise make two whole batches of live codes.
        if not await uow.processed_updates.mark(press_key(update), services.clock.now()):
            return
        invites = await create_board_invites(
            uow,
            actor_person_id=context.viewer.person_id,
            kecamatan=kecamatan,
            cfg=services.config.access,
            now=services.clock.now(),
        )
        await uow.commit()
    area = kecamatan or tr.t("undang.whole_register")
    chat = update.effective_chat
    if not invites or chat is None:
        await reply(update, context, tr.t("undang.bulk_empty", area=area))
        return
    slug = "".join(ch for ch in (kecamatan or "semua").lower() if ch.isalnum())
    await context.bot.send_document(
        chat_id=chat.id,
        document=InputFile(
            bulk_workbook(invites, context.bot.username, tr.tz), filename=f"undangan-{slug}.xlsx"
        ),
        caption=tr.t("undang.bulk_caption", count=len(invites), area=area),
    )


async def open_list(update: Update, context: BotContext, page: int, *, edit: bool) -> None:
    """The admin's invites that still work, ten per page, with *Cabut* for each."""
    services, tr = context.services, context.tr
    async with services.uow(write=False) as uow:
        found = await open_invites_page(uow, context.viewer.person_id, services.clock.now(), page)
    if not found.invites:
        await show(update, context, tr.t("undang.open_none"), None, edit=edit)
        return
    window = found.window
    lines = [
        tr.t("undang.open_header", total=window.total, page=window.page + 1, pages=window.pages)
    ]
    rows: list[Row] = []
    for item in found.invites:
        invite = item.invite
        target = target_text(tr, Role(invite.role), item.koperasi_nama)
        lines.append(
            tr.t(
                "undang.open_line",
                number=str(invite.id),
                target=Safe(target),
                used=invite.uses,
                max_uses=invite.max_uses,
                expires=invite.expires_at.astimezone(tr.tz).date(),
            )
        )
        label = plain(tr.t("undang.button.revoke", number=str(invite.id)))
        rows.append(single(label, InviteRevoke(invite.id, window.page).encode()))
    rows += navigation(tr, window, lambda page: InviteListPage(page).encode())
    await show(update, context, "\n".join(lines), InlineKeyboardMarkup(rows), edit=edit)


async def revoke_ask(update: Update, context: BotContext, invite_id: int, page: int) -> None:
    """ "Cabut undangan #N?" with *Ya, cabut* / *Tidak* in place of the list (answered)."""
    tr = context.tr
    row = [
        button(
            plain(tr.t("undang.button.revoke_yes")), InviteRevokeConfirm(invite_id, page).encode()
        ),
        button(plain(tr.t("undang.button.revoke_no")), InviteListPage(page).encode()),
    ]
    text = tr.t("undang.revoke_ask", number=str(invite_id))
    await show(update, context, text, InlineKeyboardMarkup([row]), edit=True)


async def revoke(update: Update, context: BotContext, invite_id: int, page: int) -> None:
    """Revokes an invite (any admin: their scope is the region), then shows the list again."""
    services, tr = context.services, context.tr
    async with services.uow() as uow:
        revoked = await revoke_invite(
            uow,
            actor_person_id=context.viewer.person_id,
            invite_id=invite_id,
            now=services.clock.now(),
        )
        await uow.commit()
    key = N_("undang.revoked") if revoked else N_("undang.already_revoked")
    await answer_callback(update, context, tr.t(key, number=str(invite_id)))
    await open_list(update, context, page, edit=True)
