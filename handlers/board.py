"""Which cooperative a board command acts on, for people on several boards (docs/rules.md).

    koperasi_id = await choose_koperasi(update, context, command="status")
    if koperasi_id is None:
        return  # not on any board (refused), or asked which one: the answer re-runs /status

The choice is remembered (`person.selected_koperasi_id`) until the person switches (*Ganti
koperasi* on the home menu) or leaves that board.
"""

from __future__ import annotations

from collections.abc import Mapping

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from domain.callbacks import BoardChoice, BoardSwitch
from domain.koperasi_list import NAME_IN_LIST, shorten
from handlers.auth import refuse
from handlers.callbacks import answer_callback
from handlers.context import BotContext
from handlers.forms import Handler, close_keyboard
from handlers.home import board_names
from handlers.replies import reply


async def choose_koperasi(update: Update, context: BotContext, *, command: str) -> int | None:
    """The cooperative a board command acts on, or None after asking (or when on no board).

    One board: that one. Several: the one chosen last, if still a seat; otherwise the person
    is asked with a button per cooperative, and pressing one re-runs `command`.
    """
    viewer = context.viewer
    ids = viewer.board_koperasi_ids()
    if len(ids) == 1:
        return next(iter(ids))
    if not ids:
        return None
    boards, selected = await board_names(context, viewer)
    if selected in ids:
        return selected
    buttons = [
        [
            InlineKeyboardButton(
                shorten(nama, NAME_IN_LIST), callback_data=BoardChoice(kid, command).encode()
            )
        ]
        for kid, nama in boards
    ]
    await reply(
        update, context, context.tr.t("board.choose"), markup=InlineKeyboardMarkup(buttons)
    )
    return None


def choice_handler(after: Mapping[str, Handler]) -> Handler:
    """The handler of board buttons; `after[command]` runs once the choice is stored.

    `after[""]` runs after a switch from the home menu. A command without an entry is named
    in the reply so the person can send it again.
    """

    async def on_board_choice(update: Update, context: BotContext) -> None:
        query = update.callback_query
        data = (query.data or "") if query is not None else ""
        if BoardSwitch.decode(data) is not None:
            await answer_callback(update, context)
            await _ask_again(update, context)
            return
        choice = BoardChoice.decode(data)
        if choice is None:
            await answer_callback(update, context, context.tr.t("callback.stale"))
            return
        if choice.koperasi_id not in context.viewer.board_koperasi_ids():
            await refuse(update, context)  # a seat they never had, or lost
            return
        await _remember(context, choice.koperasi_id)
        await answer_callback(update, context)
        await close_keyboard(update)
        follow_up = after.get(choice.command)
        if follow_up is not None:
            await follow_up(update, context)
        else:
            command = f"/{choice.command}"
            await reply(update, context, context.tr.t("board.chosen", command=command))

    return on_board_choice


async def _ask_again(update: Update, context: BotContext) -> None:
    """*Ganti koperasi*: forget the choice and ask (nothing to ask with one board)."""
    if len(context.viewer.board_koperasi_ids()) < 2:
        await reply(update, context, context.tr.t("board.only_one"))
        return
    await _remember(context, None)
    await choose_koperasi(update, context, command="")


async def _remember(context: BotContext, koperasi_id: int | None) -> None:
    services, person_id = context.services, context.viewer.person_id
    if person_id is None:
        return
    async with services.uow() as uow:
        person = await uow.people.get(person_id)
        if person is not None:
            person.selected_koperasi_id = koperasi_id
            person.updated_at = services.clock.now()
        await uow.commit()
