"""/undang (/invite), admins only: invites for a role or for a cooperative's board.

    /undang              the menu (also the home menu's *Buat undangan*)
    /undang Maju Jaya    cooperatives matching a name or NIK koperasi, 10 per page, a button each

Buttons are `i:<action>[:<argument>[:<extra>]]`, at most 64 bytes: m menu, c:<role> invite for
a role, k how to search, p:<page>:<query> a page of a search, g:<koperasi> board invite,
b bulk menu, x:<kecamatan index|a> bulk invites, l[:<page>] open invites, r:<invite>:<page>
asks to revoke, v:<invite>:<page> revokes (`RevokeConfirmButton`). The menu also offers the
access requests waiting for a decision (`PendingRequestsButton`, handled with the join
buttons). Every one is re-authorised: admins only.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import InlineKeyboardMarkup, Update

from domain.access import Role
from domain.invites import deep_link, display_code
from domain.koperasi_list import NAME_IN_LIST, KoperasiScope, ListCriteria, search_key, shorten
from handlers import invites_manage as manage
from handlers.auth import requires
from handlers.callbacks import (
    PendingRequestsButton,
    RevokeConfirmButton,
    answer_callback,
    press_key,
)
from handlers.context import BotContext
from handlers.forms import close_keyboard
from handlers.replies import reply
from locales import N_, Safe, Translator
from services.invites import NewInvite, create_invite
from services.join_requests import pending_requests
from services.koperasi_query import list_page

PATTERN = r"^i:(m|c|k|p|g|b|x|l|r|v)(:|$)"
ROLE_CODES = {role.value: role for role in (Role.PETUGAS, Role.ADMIN, Role.PIMPINAN)}
# Buttons start with a capital as in every other menu; the role names inside sentences do not.
ROLE_BUTTON_KEYS = {
    Role.PETUGAS: N_("undang.button.petugas"),
    Role.ADMIN: N_("undang.button.admin"),
    Role.PIMPINAN: N_("undang.button.pimpinan"),
}
# A search travels in callback data: cut so that `i:p:<page>:<query>` stays within 64 bytes.
QUERY_BYTES = 40
MIN_QUERY = 2


@dataclass(frozen=True)
class Action:
    """A decoded invite button."""

    name: str
    argument: str = ""
    extra: str = ""

    @classmethod
    def decode(cls, data: str) -> Action:
        """Splits `i:<name>:<argument>:<extra>` (the extra may hold colons: a search)."""
        parts = data.split(":", 3)
        return cls(*parts[1:]) if len(parts) > 1 else cls("")


def menu(tr: Translator, pending: int = 0) -> tuple[str, InlineKeyboardMarkup]:
    """What an admin can invite, and the access requests waiting (`pending`) if any."""
    rows: manage.Rows = [
        [(tr.t(ROLE_BUTTON_KEYS[role]), f"i:c:{code}")] for code, role in ROLE_CODES.items()
    ]
    rows += [
        [(tr.t("undang.button.board"), "i:k")],
        [(tr.t("undang.button.bulk"), "i:b")],
        [(tr.t("undang.button.open"), "i:l")],
    ]
    if pending:
        label = tr.t("undang.button.requests", count=pending)
        rows.append([(label, PendingRequestsButton().encode())])
    return tr.t("undang.menu"), manage.markup(rows)


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


# Each returns False for a malformed argument (the dispatcher then answers "stale").
ActionHandler = Callable[[Update, BotContext, Action], Awaitable[bool]]


async def _menu(update: Update, context: BotContext, action: Action) -> bool:
    await answer_callback(update, context)
    await _send_menu(update, context)
    return True


async def _for_role(update: Update, context: BotContext, action: Action) -> bool:
    if action.argument not in ROLE_CODES:
        return False
    await answer_callback(update, context)
    await _create(update, context, ROLE_CODES[action.argument], None)
    return True


async def _for_board(update: Update, context: BotContext, action: Action) -> bool:
    if not action.argument.isdigit():
        return False
    await answer_callback(update, context)
    await _create(update, context, Role.PENGURUS, int(action.argument))
    return True


async def _how_to_search(update: Update, context: BotContext, action: Action) -> bool:
    await answer_callback(update, context)
    await reply(update, context, context.tr.t("undang.search_hint"))
    return True


async def _search_page(update: Update, context: BotContext, action: Action) -> bool:
    if not action.argument.isdigit():
        return False
    await answer_callback(update, context)
    await _search(update, context, action.extra, int(action.argument), edit=True)
    return True


async def _bulk_menu(update: Update, context: BotContext, action: Action) -> bool:
    await answer_callback(update, context)
    await manage.bulk_menu(update, context)
    return True


async def _bulk(update: Update, context: BotContext, action: Action) -> bool:
    names = context.services.config.region.kecamatan
    if action.argument == manage.ALL_KECAMATAN:
        kecamatan = None
    elif action.argument.isdigit() and int(action.argument) < len(names):
        kecamatan = names[int(action.argument)]
    else:
        return False  # malformed, or the configured list changed under the button
    await answer_callback(update, context)
    await close_keyboard(update)  # one tap makes one batch
    await manage.bulk(update, context, kecamatan)
    return True


async def _open_list(update: Update, context: BotContext, action: Action) -> bool:
    """`i:l` from the menu opens the list below it; `i:l:<page>` turns its pages."""
    if action.argument and not action.argument.isdigit():
        return False
    await answer_callback(update, context)
    page = int(action.argument or 0)
    await manage.open_list(update, context, page, edit=bool(action.argument))
    return True


async def _revoke_ask(update: Update, context: BotContext, action: Action) -> bool:
    if not (action.argument.isdigit() and action.extra.isdigit()):
        return False
    await answer_callback(update, context)
    await manage.revoke_ask(update, context, int(action.argument), int(action.extra))
    return True


async def _revoke(update: Update, context: BotContext, action: Action) -> bool:
    query = update.callback_query
    button = RevokeConfirmButton.decode(query.data or "") if query is not None else None
    if button is None:
        return False
    await manage.revoke(update, context, button.invite_id, button.page)
    return True


ACTIONS: dict[str, ActionHandler] = {
    "m": _menu,
    "c": _for_role,
    "g": _for_board,
    "k": _how_to_search,
    "p": _search_page,
    "b": _bulk_menu,
    "x": _bulk,
    "l": _open_list,
    "r": _revoke_ask,
    "v": _revoke,
}


@requires(Role.ADMIN)
async def on_invite_button(update: Update, context: BotContext) -> None:
    """Every /undang button; admins only, so a forged one from anyone else is refused."""
    query = update.callback_query
    action = Action.decode(query.data or "") if query is not None else Action("")
    handle = ACTIONS.get(action.name)
    if handle is None or not await handle(update, context, action):
        await answer_callback(update, context, context.tr.t("callback.stale"))


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
    lines, rows = [header], []
    for number, line in enumerate(found.lines, start=window.offset + 1):
        nama = shorten(line.nama, NAME_IN_LIST)
        kecamatan = line.kecamatan or "—"
        lines.append(
            tr.t("undang.result_line", number=str(number), nama=nama, kecamatan=kecamatan)
        )
        rows.append([(f"{number}. {nama}", f"i:g:{line.id}")])
    more = manage.navigation(tr, window, "i:p:", f":{query}")
    await manage.show(update, context, "\n".join(lines), manage.markup(rows + more), edit=edit)
