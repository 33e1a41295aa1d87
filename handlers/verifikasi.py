"""/verifikasi: what boards reported and nobody in the office checked yet, oldest first.

Officers see their cooperatives, admins all. Each line has *Verifikasi* (marked verified,
the list shown again in place) and *Kembalikan* (the return form asks for the note).
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from conversations.kembalikan import NAME as RETURN_FORM
from domain.access import Role
from domain.callbacks import VerifyAction, VerifyButton
from domain.koperasi_list import NAME_IN_LIST, shorten
from domain.rat.report import Unchecked
from handlers.auth import refuse, requires
from handlers.callbacks import answer_callback
from handlers.context import BotContext
from handlers.forms import start_form
from handlers.keyboards import Row, button
from handlers.replies import reply
from handlers.screens import show
from locales import Safe, Translator
from locales.labels import ITEM_STATE_KEYS, target_label
from services.rat_verify import Checked, check

SHOWN = 10


def render(tr: Translator, found: list[Unchecked]) -> tuple[str, InlineKeyboardMarkup | None]:
    """The numbered list with two buttons a line; a short text when nothing waits."""
    if not found:
        return tr.t("verifikasi.empty"), None
    lines, rows = [tr.t("verifikasi.title")], []
    for number, item in enumerate(found, start=1):
        state = Safe(tr.t(ITEM_STATE_KEYS[item.state])) if item.state in ITEM_STATE_KEYS else ""
        lines.append(
            tr.t(
                "verifikasi.line",
                number=str(number),
                nama=shorten(item.nama, NAME_IN_LIST),
                target=Safe(target_label(tr, item.target)),
                state=state,
                since=item.since,
            )
        )
        row: Row = [
            button(
                tr.t("verifikasi.button.verify", number=str(number)),
                _data(item, VerifyAction.VERIFY),
            ),
            button(
                tr.t("verifikasi.button.return", number=str(number)),
                _data(item, VerifyAction.RETURN),
            ),
        ]
        rows.append(row)
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def _data(item: Unchecked, action: VerifyAction) -> str:
    return VerifyButton(item.kind, item.row_id, action).encode()


async def _screen(context: BotContext) -> tuple[str, InlineKeyboardMarkup | None]:
    viewer = context.viewer
    petugas_id = None if viewer.has(Role.ADMIN) else viewer.person_id
    async with context.services.uow(write=False) as uow:
        found = await uow.rat_report.unchecked(petugas_id, SHOWN)
    return render(context.tr, found)


@requires(Role.PETUGAS, Role.ADMIN)
async def verifikasi(update: Update, context: BotContext) -> None:
    """The list of what waits for the office's check."""
    text, markup = await _screen(context)
    await reply(update, context, text, markup=markup)


@requires(Role.PETUGAS, Role.ADMIN)
async def on_verify_button(update: Update, context: BotContext) -> None:
    """*Verifikasi*: marked, the list again; *Kembalikan*: the note is asked."""
    query = update.callback_query
    pressed = VerifyButton.decode((query.data or "") if query is not None else "")
    if pressed is None:
        await answer_callback(update, context, context.tr.t("callback.stale"))
        return
    kind = pressed.kind
    if pressed.action is VerifyAction.RETURN:
        await answer_callback(update, context)
        spec = context.services.forms.forms[RETURN_FORM]
        await start_form(update, context, spec, f"{kind}:{pressed.row_id}")
        return
    if pressed.action is VerifyAction.VERIFY:
        services = context.services
        async with services.uow() as uow:
            checked = await check(
                uow, context.viewer, kind, pressed.row_id, now=services.clock.now()
            )
            await uow.commit()
        if checked is Checked.NOT_ALLOWED:
            await refuse(update, context)
            return
    await answer_callback(update, context)
    text, markup = await _screen(context)
    await show(update, context, text, markup)
