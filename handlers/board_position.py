"""A new board member's position (jabatan): asked once they are linked through a board invite,
answered with one tap (`JabatanButton`), shown on the cooperative's card."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from domain.invites import BOARD_POSITION_KEYS, BOARD_POSITIONS
from handlers.auth import refuse
from handlers.callbacks import JabatanButton, answer_callback
from handlers.context import BotContext
from handlers.forms import close_keyboard
from handlers.replies import reply
from handlers.values import field_value
from services.onboarding import set_board_position


async def ask_position(
    update: Update, context: BotContext, koperasi_id: int, koperasi_nama: str
) -> None:
    """Which position the person holds on the board they just joined, two buttons a row."""
    tr = context.tr
    buttons = [
        InlineKeyboardButton(
            tr.t(BOARD_POSITION_KEYS[code]),
            callback_data=JabatanButton(koperasi_id, code).encode(),
        )
        for code in BOARD_POSITIONS
    ]
    rows = [buttons[start : start + 2] for start in range(0, len(buttons), 2)]
    text = tr.t("board.position.ask", koperasi=koperasi_nama)
    await reply(update, context, text, markup=InlineKeyboardMarkup(rows))


async def on_position_button(update: Update, context: BotContext) -> None:
    """Stores the position for a board the sender sits on; anyone else is refused."""
    query = update.callback_query
    button = JabatanButton.decode(query.data or "", BOARD_POSITIONS) if query else None
    viewer, tr, services = context.viewer, context.tr, context.services
    if button is None:
        await answer_callback(update, context, tr.t("callback.stale"))
        return
    if viewer.person_id is None or button.koperasi_id not in viewer.board_koperasi_ids():
        await refuse(update, context)
        return
    async with services.uow() as uow:
        stored = await set_board_position(
            uow, viewer.person_id, button.koperasi_id, button.jabatan, services.clock.now()
        )
        await uow.commit()
    await answer_callback(update, context)
    await close_keyboard(update)
    if not stored:
        await reply(update, context, tr.t("callback.stale"))
        return
    position = field_value(tr, "jabatan", button.jabatan)
    await reply(update, context, tr.t("board.position.saved", jabatan=position))
