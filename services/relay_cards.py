"""What the staff side sees of a thread: the header card above a board's copied messages.

Rendered in the recipient's language when queued. The member is named by name and role on
the board, never by phone number or username.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from domain.callbacks import RelayAction, RelayButton
from domain.delivery import MAX_CAPTION, telegram_length
from domain.invites import BOARD_POSITION_KEYS
from domain.koperasi_list import flags_of, stage_of
from domain.relay import TOPIC_KEYS, Topic
from locales import N_, Safe, Translator
from locales.labels import FLAG_KEYS, STAGE_KEYS
from storage.tables import Koperasi, Thread
from storage.uow import UnitOfWork

if TYPE_CHECKING:
    from services.relay import Incoming

# Telegram's limits after entity parsing, in UTF-16 code units (an emoji counts two); the HTML
# is never shorter than what it renders to, so a card and message whose HTML fits surely fit.
MAX_TEXT = 4096

#: The label of each thread button.
ACTION_KEYS = {
    RelayAction.REPLY: N_("relay.button.reply"),
    RelayAction.CARD: N_("relay.button.card"),
    RelayAction.OPEN: N_("relay.button.open"),
    RelayAction.CLOSE: N_("relay.button.close"),
    RelayAction.REOPEN: N_("relay.button.reopen"),
}
#: *Selesai mengirim*: the end of a relay session (the thread stays open), never the same
#: words as *Tutup percakapan* (the thread is answered).
SESSION_END_KEY = N_("relay.button.done")


def thread_buttons(tr: Translator, thread_id: int, *actions: RelayAction) -> InlineKeyboardMarkup:
    """One row of the thread's buttons, labelled in the reader's language."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    html.unescape(tr.t(ACTION_KEYS[action])),
                    callback_data=RelayButton(action, thread_id).encode(),
                )
                for action in actions
            ]
        ]
    )


def _flags(tr: Translator, koperasi: Koperasi | None) -> str:
    """The cooperative's flags in words ('-' when none)."""
    if koperasi is None:
        return "-"
    flags = flags_of(
        koperasi.flag_terlambat_target,
        koperasi.flag_terlambat_lapor,
        koperasi.flag_lewat_batas_uu,
        koperasi.flag_tidak_rat,
    )
    return ", ".join(tr.t(FLAG_KEYS[flag]) for flag in flags) or "-"


@dataclass(frozen=True)
class CardFacts:
    """What a header card shows, read once for all its recipients (each in their language)."""

    thread_id: int
    topic: str | None
    koperasi: Koperasi | None
    name: str | None
    jabatan: str | None


async def load_card(uow: UnitOfWork, thread: Thread, writer_id: int) -> CardFacts:
    """The facts of the card above a board member's message: one statement."""
    koperasi, name, jabatan = await uow.threads.card_facts(thread.koperasi_id, writer_id)
    return CardFacts(thread.id, thread.topic, koperasi, name, jabatan)


def header_card(tr: Translator, facts: CardFacts) -> tuple[str, dict[str, object]]:
    """The card's HTML text and its buttons (*Balas / Lihat koperasi / Tutup percakapan*) as
    JSON."""
    koperasi = facts.koperasi
    nama = koperasi.nama if koperasi is not None else "?"
    kecamatan = (koperasi.kecamatan if koperasi is not None else None) or "-"
    stage = tr.t(STAGE_KEYS[stage_of(koperasi.tahap if koperasi else None)])
    position = BOARD_POSITION_KEYS.get(facts.jabatan or "")
    role = tr.t(position) if position is not None else tr.t("relay.card.board")
    topic = tr.t(TOPIC_KEYS[Topic(facts.topic)]) if facts.topic in set(Topic) else "-"
    text = tr.t(
        "relay.card.header",
        koperasi=nama,
        kecamatan=kecamatan,
        stage=Safe(stage),
        flags=Safe(_flags(tr, koperasi)),
        name=facts.name or tr.t("koperasi.person.no_name"),
        role=Safe(role),
        topic=Safe(topic),
    )
    # *Tutup percakapan* on the card: answered (closed until the board writes again).
    markup = thread_buttons(
        tr, facts.thread_id, RelayAction.REPLY, RelayAction.CARD, RelayAction.CLOSE
    )
    return text, markup.to_dict()


def with_card(
    card: str, markup: dict[str, object], message: Incoming
) -> tuple[str, dict[str, Any]] | None:
    """The card and the message as one request (method and fields), or None when they do
    not fit together: a text under the card in one sendMessage, a photo, document, voice
    note, audio or video copied with the card above its caption."""
    if message.text_html is not None:
        text = f"{card}\n\n{message.text_html}"
        if telegram_length(text) > MAX_TEXT:
            return None
        return "sendMessage", {"text": text, "reply_markup": markup}
    if not message.captionable:
        return None
    caption = card if not message.caption_html else f"{card}\n\n{message.caption_html}"
    if telegram_length(caption) > MAX_CAPTION:
        return None
    fields: dict[str, Any] = {
        "from_chat_id": message.chat_id,
        "message_id": message.message_id,
        "caption": caption,
        "parse_mode": "HTML",
        "reply_markup": markup,
    }
    return "copyMessage", fields
