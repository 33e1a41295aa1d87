"""The header card and the message that opens a wait as one request, within Telegram's limits."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from domain.callbacks import RelayAction
from domain.delivery import MAX_CAPTION
from handlers.callbacks import alert_text
from locales import Catalogues
from services.relay import Incoming
from services.relay_cards import (
    ACTION_KEYS,
    MAX_TEXT,
    SESSION_END_KEY,
    CardFacts,
    header_card,
    with_card,
)

CARD = "💬 <b>KSU Maju</b> · Kec. Cibeber"
MARKUP: dict[str, object] = {"inline_keyboard": [[{"text": "Balas", "callback_data": "x"}]]}


def _message(**fields: object) -> Incoming:
    base: dict[str, object] = {
        "chat_id": 7,
        "message_id": 42,
        "reply_to_message_id": None,
        "person_id": 1,
        "board_koperasi_ids": frozenset({3}),
        "admin": False,
    }
    return Incoming(**{**base, **fields})  # type: ignore[arg-type]


def test_a_text_goes_under_the_card_in_one_send_message() -> None:
    one = with_card(CARD, MARKUP, _message(text_html="Kapan &lt;batas&gt; RAT?"))
    assert one == (
        "sendMessage",
        {"text": f"{CARD}\n\nKapan &lt;batas&gt; RAT?", "reply_markup": MARKUP},
    )


def test_media_is_copied_with_the_card_above_its_caption() -> None:
    method, fields = with_card(
        CARD, MARKUP, _message(caption_html="Laporan", captionable=True)
    ) or ("", {})
    assert method == "copyMessage"
    assert fields["caption"] == f"{CARD}\n\nLaporan"
    assert fields["parse_mode"] == "HTML"
    assert fields["reply_markup"] == MARKUP
    assert (fields["from_chat_id"], fields["message_id"]) == (7, 42)
    bare = with_card(CARD, MARKUP, _message(captionable=True))
    assert bare is not None
    assert bare[1]["caption"] == CARD


def test_what_does_not_fit_together_goes_as_two_messages() -> None:
    long_text = "a" * (MAX_TEXT - len(CARD))
    assert with_card(CARD, MARKUP, _message(text_html=long_text)) is None
    long_caption = "a" * (MAX_CAPTION - len(CARD))
    assert with_card(CARD, MARKUP, _message(caption_html=long_caption, captionable=True)) is None
    # Telegram counts UTF-16 code units: an emoji is two.
    emoji_caption = "😀" * ((MAX_CAPTION - len(CARD)) // 2)
    assert with_card(CARD, MARKUP, _message(caption_html=emoji_caption, captionable=True)) is None
    # Nothing to carry a caption (a text-less, caption-less kind): the card goes alone.
    assert with_card(CARD, MARKUP, _message()) is None


def test_the_session_end_and_the_thread_close_never_share_a_label() -> None:
    """*Selesai mengirim* ends a session, *Tutup percakapan* closes the thread: two buttons that
    do different things are never labelled alike, in any language."""
    catalogues = Catalogues(["id", "en"], "id", ZoneInfo("Asia/Jakarta"))
    for locale, labels in (
        ("id", ["Balas", "Lihat koperasi", "Tutup percakapan"]),
        ("en", ["Reply", "View cooperative", "Close conversation"]),
    ):
        tr = catalogues.get(locale)
        facts = CardFacts(9, "lain", None, "Siti & Co", "ketua")
        text, markup = header_card(tr, facts)
        rows = markup["inline_keyboard"]
        assert isinstance(rows, list)
        assert [button["text"] for button in rows[0]] == labels
        assert "Siti &amp; Co" in text  # the card is HTML
        end = tr.t(SESSION_END_KEY)
        assert end not in labels
        assert end != tr.t(ACTION_KEYS[RelayAction.CLOSE])


def test_a_callback_answer_is_the_rendered_message_as_plain_text() -> None:
    assert alert_text("Ditangani oleh Dedi &amp; Rekan.") == "Ditangani oleh Dedi & Rekan."
    assert alert_text("<b>KSU &lt;Maju&gt;</b> sudah ditutup.") == "KSU <Maju> sudah ditutup."
