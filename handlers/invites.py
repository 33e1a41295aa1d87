"""/undang (/invite), admins only: invites for a role or for a cooperative's board.

    /undang              the menu (also the home menu's *Buat undangan*)
    /undang Maju Jaya    cooperatives matching a name or NIK koperasi, 10 per page, a button each

Buttons are the `Invite…` codecs of `domain.callbacks` (menu, invite for a role, how to search,
a page of a search, board invite, bulk menu and bulk invites, open invites, revoke — asked
first, then confirmed). The menu also offers the access requests waiting for a decision
(`JoinPendingList`, handled with the join buttons). Every one is re-authorised: admins only.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from domain.access import Role
from domain.callbacks import (
    INVITE_BUTTONS,
    INVITE_ROLES,
    QUERY_BYTES,
    Codec,
    InviteBulk,
    InviteBulkAll,
    InviteBulkMenu,
    InviteForBoard,
    InviteForRole,
    InviteListPage,
    InviteMenu,
    InviteOpenList,
    InviteRevoke,
    InviteRevokeConfirm,
    InviteSearchHint,
    InviteSearchPage,
    JoinPendingList,
    decode_any,
)
from domain.invites import deep_link, display_code
from domain.koperasi_list import NAME_IN_LIST, KoperasiScope, ListCriteria, search_key, shorten
from handlers import invites_manage as manage
from handlers.auth import requires
from handlers.callbacks import answer_callback, press_key
from handlers.context import BotContext
from handlers.forms import close_keyboard
from handlers.keyboards import Row, one_per_row, plain, single
from handlers.replies import reply
from locales import N_, Safe, Translator
from services.invites import NewInvite, create_invite
from services.join_requests import pending_requests
from services.koperasi_query import list_page

# Buttons start with a capital as in every other menu; the role names inside sentences do not.
ROLE_BUTTON_KEYS = {
    Role.PETUGAS: N_("undang.button.petugas"),
    Role.ADMIN: N_("undang.button.admin"),
    Role.PIMPINAN: N_("undang.button.pimpinan"),
}
MIN_QUERY = 2


def menu(tr: Translator, pending: int = 0) -> tuple[str, InlineKeyboardMarkup]:
    """What an admin can invite, and the access requests waiting (`pending`) if any."""
    buttons = [
        (tr.t(ROLE_BUTTON_KEYS[role]), InviteForRole(role).encode()) for role in INVITE_ROLES
    ]
    buttons += [
        (tr.t("undang.button.board"), InviteSearchHint().encode()),
        (tr.t("undang.button.bulk"), InviteBulkMenu().encode()),
        (tr.t("undang.button.open"), InviteOpenList().encode()),
    ]
    if pending:
        buttons.append((tr.t("undang.button.requests", count=pending), JoinPendingList().encode()))
    return tr.t("undang.menu"), one_per_row([(plain(text), data) for text, data in buttons])


async def _send_menu(update: Update, context: BotContext) -> None:
    async with context.services.uow(write=False) as uow:
        _, pending = await pending_requests(uow)
    text, keyboard = menu(context.tr, pending)
    await reply(update, context, text, markup=keyboard)


@requires(Role.ADMIN)
async def undang(update: Update, context: BotContext) -> None:
    """The invite menu, or the cooperatives matching the words after /undang."""
    query = " ".join(context.args or [])
    if query:
        await _search(update, context, query, 0)
        return
    await _send_menu(update, context)


async def _press(update: Update, context: BotContext, button: Codec) -> None:
    """One decoded /undang button; each answers the callback query itself."""
    match button:
        case InviteMenu():
            await answer_callback(update, context)
            await _send_menu(update, context)
        case InviteForRole(role=role):
            await answer_callback(update, context)
            await _create(update, context, role, None)
        case InviteForBoard(koperasi_id=koperasi_id):
            await answer_callback(update, context)
            await _create(update, context, Role.PENGURUS, koperasi_id)
        case InviteSearchHint():
            await answer_callback(update, context)
            await reply(update, context, context.tr.t("undang.search_hint"))
        case InviteSearchPage(page=page, query=query):
            await answer_callback(update, context)
            await _search(update, context, query, page, edit=True)
        case InviteBulkMenu():
            await answer_callback(update, context)
            await manage.bulk_menu(update, context)
        case InviteBulk() | InviteBulkAll():
            await _bulk(update, context, button)
        case InviteOpenList():  # from the menu: the list below it
            await answer_callback(update, context)
            await manage.open_list(update, context, 0, edit=False)
        case InviteListPage(page=page):
            await answer_callback(update, context)
            await manage.open_list(update, context, page, edit=True)
        case InviteRevoke(invite_id=invite_id, page=page):  # asks first
            await answer_callback(update, context)
            await manage.revoke_ask(update, context, invite_id, page)
        case InviteRevokeConfirm(invite_id=invite_id, page=page):
            await manage.revoke(update, context, invite_id, page)
        case _:  # another family's button: not routed here
            await answer_callback(update, context, context.tr.t("callback.stale"))


async def _bulk(update: Update, context: BotContext, button: InviteBulk | InviteBulkAll) -> None:
    names = context.services.config.region.kecamatan
    if isinstance(button, InviteBulk) and button.kecamatan >= len(names):
        # the configured list changed under the button
        await answer_callback(update, context, context.tr.t("callback.stale"))
        return
    kecamatan = names[button.kecamatan] if isinstance(button, InviteBulk) else None
    await answer_callback(update, context)
    await close_keyboard(update)  # one tap makes one batch
    await manage.bulk(update, context, kecamatan)


@requires(Role.ADMIN)
async def on_invite_button(update: Update, context: BotContext) -> None:
    """Every /undang button; admins only, so a forged one from anyone else is refused."""
    query = update.callback_query
    button = decode_any(query.data or "", INVITE_BUTTONS) if query is not None else None
    if button is None:
        await answer_callback(update, context, context.tr.t("callback.stale"))
        return
    await _press(update, context, button)


def invite_card(tr: Translator, invite: NewInvite, bot_username: str) -> str:
    """The one message that shows a code: link, code, expiry and how many may use it."""
    if invite.max_uses > 1:
        uses = tr.t("undang.board_uses", count=invite.max_uses)
    else:
        uses = tr.t("undang.single_use")
    return tr.t(
        "undang.created",
        target=Safe(manage.target_text(tr, invite.role, invite.koperasi_nama)),
        link=deep_link(bot_username, invite.code),
        code=display_code(invite.code),
        expires=invite.expires_at.astimezone(tr.tz).date(),
        uses=Safe(uses),
    )


async def _create(
    update: Update, context: BotContext, role: Role, koperasi_id: int | None
) -> None:
    services = context.services
    async with services.uow() as uow:
        if not await uow.processed_updates.mark(press_key(update), services.clock.now()):
            return  # a second tap on the same button: the first one made the invite
        invite = await create_invite(
            uow,
            actor_person_id=context.viewer.person_id,
            role=role,
            cfg=services.config.access,
            now=services.clock.now(),
            koperasi_id=koperasi_id,
        )
        await uow.commit()
    if invite is None:
        await reply(update, context, context.tr.t("undang.koperasi_gone"))
        return
    await reply(update, context, invite_card(context.tr, invite, context.bot.username))


async def _search(
    update: Update, context: BotContext, query: str, page: int, *, edit: bool = False
) -> None:
    """One page of cooperatives matching `query`, each with a button that makes its invite."""
    tr, services = context.tr, context.services
    query = " ".join(query.split()).encode()[:QUERY_BYTES].decode(errors="ignore").strip()
    if len(search_key(query)) < MIN_QUERY:
        await reply(update, context, tr.t("undang.search_hint"))
        return
    today = services.clock.now().astimezone(tr.tz).date()
    async with services.uow(write=False) as uow:
        found = await list_page(
            uow, KoperasiScope(), ListCriteria(today=today, search=search_key(query)), page
        )
    if not found.lines:
        await reply(update, context, tr.t("undang.no_results", query=query))
        return
    window = found.window
    header = tr.t(
        "undang.results", query=query, total=window.total, page=window.page + 1, pages=window.pages
    )
    lines: list[str] = [header]
    rows: list[Row] = []
    for number, line in enumerate(found.lines, start=window.offset + 1):
        nama = shorten(line.nama, NAME_IN_LIST)
        kecamatan = line.kecamatan or "—"
        lines.append(
            tr.t("undang.result_line", number=str(number), nama=nama, kecamatan=kecamatan)
        )
        rows.append(single(f"{number}. {nama}", InviteForBoard(line.id).encode()))
    more = manage.navigation(tr, window, lambda page: InviteSearchPage(page, query).encode())
    markup = InlineKeyboardMarkup(rows + more)
    await manage.show(update, context, "\n".join(lines), markup, edit=edit)
