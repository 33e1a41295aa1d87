"""The header card and the message that opens a wait as one request, within Telegram's limits."""

from __future__ import annotations

from services.relay import Incoming
from services.relay_cards import MAX_CAPTION, MAX_TEXT, with_card

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
