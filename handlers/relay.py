"""Conversations between boards and officers: /hubungi, /pesan, the thread buttons and the
relay slot of the routing (docs/architecture.md#the-path-of-an-update).

Every button is re-authorised: a board member only for their cooperatives, staff only for the
threads they handle (`services.threads.may_handle`); anything else is refused like a forged
button. Each step commits before anything is sent.
"""

from __future__ import annotations

from telegram import Message, Update

from domain.access import Role
from domain.callbacks import RelayAction, RelayButton, RelaySessionEnd, RelayTopicButton
from domain.koperasi_list import ListState
from handlers.auth import refuse, requires
from handlers.board import choose_koperasi
from handlers.callbacks import answer_callback
from handlers.context import BotContext
from handlers.koperasi_screens import card_screen
from handlers.relay_memo import may_have_session, note_session
from handlers.relay_views import (
    render_board_session,
    render_inbox,
    render_staff_session,
    render_thread,
    render_topics,
)
from handlers.replies import reply
from services.relay import Incoming, Refused, Relayed, relay_message
from services.threads import (
    Claimed,
    StaffSession,
    close_thread,
    end_that_session,
    inbox,
    open_for_board,
    open_for_staff,
    reopen_thread,
    view_thread,
)


@requires(Role.PENGURUS)
async def hubungi(update: Update, context: BotContext) -> None:
    """Asks the board member what the conversation with their officer is about."""
    koperasi_id = await choose_koperasi(update, context, command="hubungi")
    if koperasi_id is None:
        return
    async with context.services.uow(write=False) as uow:
        koperasi = await uow.koperasi.get(koperasi_id)
    if koperasi is None:
        await refuse(update, context)
        return
    text, markup = render_topics(context.tr, koperasi_id, koperasi.nama)
    await reply(update, context, text, markup=markup)


async def on_topic_button(update: Update, context: BotContext) -> None:
    """Opens the board's relay session on the chosen topic."""
    query = update.callback_query
    button = RelayTopicButton.decode(query.data or "") if query is not None else None
    viewer = context.viewer
    if button is None or button.koperasi_id not in viewer.board_koperasi_ids():
        await refuse(update, context)
        return
    services = context.services
    async with services.uow() as uow:
        opened = await open_for_board(
            uow,
            person_id=viewer.person_id or 0,
            chat_id=viewer.chat_id,
            koperasi_id=button.koperasi_id,
            topic=button.topic,
            now=services.clock.now(),
        )
        await uow.commit()
    if opened is None:
        await refuse(update, context)
        return
    note_session(context, open_=True)
    await answer_callback(update, context)
    text, markup = render_board_session(context.tr, opened)
    await reply(update, context, text, markup=markup)


@requires(Role.PETUGAS, Role.ADMIN)
async def pesan(update: Update, context: BotContext) -> None:
    """Lists the open threads, the longest waiting first."""
    viewer, services = context.viewer, context.services
    async with services.uow(write=False) as uow:
        lines = await inbox(uow, viewer.person_id or 0, admin=viewer.has(Role.ADMIN))
    text, markup = render_inbox(context.tr, lines, services.clock.now())
    await reply(update, context, text, markup=markup)


async def on_session_end(update: Update, context: BotContext) -> None:
    """*Selesai mengirim*: ends the session the button was given with, and only it. On an older
    card (that session has ended; another may be live) it is stale and nothing changes."""
    query = update.callback_query
    button = RelaySessionEnd.decode(query.data or "") if query is not None else None
    if button is None:
        await answer_callback(update, context, context.tr.t("callback.stale"))
        return
    services, chat_id = context.services, context.viewer.chat_id
    async with services.uow() as uow:
        ended = await end_that_session(uow, button.session_id, chat_id, services.clock.now())
        await uow.commit()
    if not ended:
        await answer_callback(update, context, context.tr.t("callback.stale"))
        return
    note_session(context, open_=False)  # a chat has one live session at most
    await answer_callback(update, context)
    await reply(update, context, context.tr.t("relay.session.ended"))


async def on_relay_button(update: Update, context: BotContext) -> None:
    """*Balas*, *Lihat koperasi*, a thread of /pesan, *Tutup percakapan*, *Buka lagi*."""
    query = update.callback_query
    button = RelayButton.decode(query.data or "") if query is not None else None
    if button is None:
        await refuse(update, context)
        return
    if not context.viewer.has(Role.PETUGAS, Role.ADMIN):
        await refuse(update, context)
        return
    if button.action is RelayAction.REPLY:
        await _reply_session(update, context, button.thread_id)
    elif button.action is RelayAction.CARD:
        await _card(update, context, button.thread_id)
    else:
        await _thread_change(update, context, button)


async def _reply_session(update: Update, context: BotContext, thread_id: int) -> None:
    viewer, services = context.viewer, context.services
    async with services.uow() as uow:
        opened = await open_for_staff(
            uow,
            services.catalogues,
            thread_id=thread_id,
            person_id=viewer.person_id or 0,
            chat_id=viewer.chat_id,
            admin=viewer.has(Role.ADMIN),
            now=services.clock.now(),
        )
        await uow.commit()
    if opened is None:
        await refuse(update, context)
        return
    if isinstance(opened, Claimed):
        text = context.tr.t("relay.error.claimed", name=opened.name)
        await answer_callback(update, context, text, alert=True)
        return
    if not isinstance(opened, StaffSession):
        # *Balas* on the card of a closed thread: it is shown as it is, with *Buka lagi*.
        await answer_callback(update, context, context.tr.t("relay.error.closed"))
        text, markup = render_thread(context.tr, opened, services.clock.now())
        await reply(update, context, text, markup=markup)
        return
    note_session(context, open_=True)
    await answer_callback(update, context)
    text, markup = render_staff_session(context.tr, opened)
    await reply(update, context, text, markup=markup)


async def _card(update: Update, context: BotContext, thread_id: int) -> None:
    viewer = context.viewer
    async with context.services.uow(write=False) as uow:
        view = await view_thread(
            uow, thread_id, viewer.person_id or 0, admin=viewer.has(Role.ADMIN)
        )
    screen = None if view is None else await card_screen(context, view.koperasi_id, ListState())
    if screen is None:
        await refuse(update, context)
        return
    await answer_callback(update, context)
    await reply(update, context, screen[0], markup=screen[1])


async def _thread_change(update: Update, context: BotContext, button: RelayButton) -> None:
    """A thread of /pesan shown, closed or opened again."""
    viewer, services = context.viewer, context.services
    now, admin, person_id = services.clock.now(), viewer.has(Role.ADMIN), viewer.person_id or 0
    async with services.uow() as uow:
        if button.action is RelayAction.CLOSE:
            view = await close_thread(
                uow, button.thread_id, person_id, admin=admin, chat_id=viewer.chat_id, now=now
            )
        elif button.action is RelayAction.REOPEN:
            view = await reopen_thread(uow, button.thread_id, person_id, admin=admin, now=now)
        else:
            view = await view_thread(uow, button.thread_id, person_id, admin=admin)
        await uow.commit()
    if view is None:
        await refuse(update, context)
        return
    await answer_callback(update, context)
    text, markup = render_thread(context.tr, view, now)
    await reply(update, context, text, markup=markup)


# --- the relay slot of the routing -----------------------------------------------------------

# The album last acknowledged in the chat (the updates of one chat are handled in order).
_ALBUM_KEY = "relay_album"
# What copyMessage carries over faithfully and a person means as a message.
_RELAYABLE = ("text", "photo", "document", "voice", "audio", "video")
# What may carry a caption (the header card goes above it).
_CAPTIONED = _RELAYABLE[1:]


def _replied_to_bot(message: Message) -> int | None:
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or not replied.from_user.is_bot:
        return None
    return replied.message_id


async def relay(update: Update, context: BotContext) -> bool:
    """Copies the message into its thread; False when it belongs to none (the hint answers)."""
    message, viewer = update.message, context.viewer
    if message is None or viewer.person_id is None or not viewer.is_known:
        return False
    reply_to = _replied_to_bot(message)
    if reply_to is None and not may_have_session(context):
        return False
    incoming = Incoming(
        chat_id=viewer.chat_id,
        message_id=message.message_id,
        reply_to_message_id=reply_to,
        person_id=viewer.person_id,
        board_koperasi_ids=viewer.board_koperasi_ids(),
        admin=viewer.has(Role.ADMIN),
        supported=any(getattr(message, kind) for kind in _RELAYABLE),
        text_html=message.text_html if message.text else None,
        caption_html=message.caption_html if message.caption else None,
        captionable=any(getattr(message, kind) for kind in _CAPTIONED),
    )
    services, cfg = context.services, context.services.config.relay
    async with services.uow() as uow:
        result = await relay_message(
            uow,
            services.catalogues,
            incoming,
            idle=cfg.idle,
            answer_all=cfg.answer_all_members,
            now=services.clock.now(),
        )
        await uow.commit()
    if result is None:
        if reply_to is None:
            note_session(context, open_=False)
        return False
    await _acknowledge(update, context, result)
    return True


def _album_acknowledged(update: Update, context: BotContext) -> bool:
    """An album arrives as one update per item: it is acknowledged once, for its first item."""
    group = update.message.media_group_id if update.message is not None else None
    if group is None or context.chat_data is None:
        return False
    if context.chat_data.get(_ALBUM_KEY) == group:
        return True
    context.chat_data[_ALBUM_KEY] = group
    return False


async def _acknowledge(update: Update, context: BotContext, result: Relayed | Refused) -> None:
    """The acknowledgement ("Terkirim ke …"), or why the message could not go."""
    tr = context.tr
    if isinstance(result, Refused):
        await reply(update, context, tr.t(result.key, **result.params))
        return
    names = result.names
    if result.duplicate or not names or _album_acknowledged(update, context):
        return
    if len(names) == 1:
        await reply(update, context, tr.t("relay.sent", name=names[0]))
    else:
        await reply(update, context, tr.t("relay.sent_many", count=len(names)))
