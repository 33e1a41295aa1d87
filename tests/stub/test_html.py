"""Telegram's HTML parse mode: what it accepts, what it rejects, and how length is counted."""

from __future__ import annotations

from typing import Any

import pytest

from telegram_stub import StubUser
from telegram_stub.errors import ApiError
from telegram_stub.markup import format_text, parse_html
from tests.stub.conftest import RawApi

GOOD = [
    ('KSU "Maju &amp; Jaya" &lt;Sejahtera&gt;', 'KSU "Maju & Jaya" <Sejahtera>', []),
    ("<b>a</b><strong>b</strong>", "ab", ["bold", "bold"]),
    (
        "<i>a</i><em>b</em><u>c</u><ins>d</ins>",
        "abcd",
        ["italic", "italic", "underline", "underline"],
    ),
    ("<s>a</s><strike>b</strike><del>c</del>", "abc", ["strikethrough"] * 3),
    ('<span class="tg-spoiler">a</span><tg-spoiler>b</tg-spoiler>', "ab", ["spoiler"] * 2),
    ('<a href="https://example.org">x</a>', "x", ["text_link"]),
    ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "👍", ["custom_emoji"]),
    ("<code>x</code>", "x", ["code"]),
    ('<pre><code class="language-python">x = 1</code></pre>', "x = 1", ["pre"]),
    ("<blockquote>q</blockquote>", "q", ["blockquote"]),
    ("<blockquote expandable>q</blockquote>", "q", ["expandable_blockquote"]),
    ("<b>bold <i>both</i></b>", "bold both", ["bold", "italic"]),
    ("&#65;&#x42;&quot;", 'AB"', []),
    ("a > b", "a > b", []),
]

BAD = [
    "KSU <Sejahtera>",
    "a < b",
    "Maju & Jaya",
    "&nbsp;",
    "&amp without semicolon",
    "<b>unclosed",
    "<b>misnested <i>tags</b></i>",
    "stray</b>",
    "<span>no class</span>",
    "<a>no href</a>",
    "<div>block</div>",
    "<br/>",
    "<!-- comment -->",
    "<tg-emoji>no id</tg-emoji>",
    "&#xD800;",
    "&#" + "9" * 5000 + ";",
]


@pytest.mark.parametrize(("markup", "text", "types"), GOOD)
def test_supported_html_gives_plain_text_and_entities(
    markup: str, text: str, types: list[str]
) -> None:
    parsed = parse_html(markup)

    assert parsed.text == text
    assert [e["type"] for e in parsed.entities] == types


@pytest.mark.parametrize("markup", BAD)
def test_malformed_or_unsupported_html_is_rejected(markup: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse_html(markup)

    assert caught.value.code == 400
    assert caught.value.description.startswith("Bad Request: can't parse entities: ")


def test_entity_details_follow_telegram() -> None:
    parsed = parse_html(
        '😀 <a href="https://x.org">link</a> <pre><code class="language-py">p</code></pre>'
    )

    # Offsets are UTF-16 code units: the emoji counts twice.
    assert parsed.entities == [
        {"type": "text_link", "offset": 3, "length": 4, "url": "https://x.org"},
        {"type": "pre", "offset": 8, "length": 1, "language": "py"},
    ]


def test_error_names_the_unsupported_tag_and_its_byte_offset() -> None:
    with pytest.raises(ApiError) as caught:
        parse_html("Koperasi <Sejahtera>")

    assert caught.value.description == (
        'Bad Request: can\'t parse entities: Unsupported start tag "sejahtera" at byte offset 9'
    )


def test_surrounding_whitespace_is_stripped_and_entities_follow() -> None:
    formatted = format_text("  <b> hi </b>  ", "HTML")

    assert formatted.text == "hi"
    assert formatted.entities == [{"type": "bold", "offset": 0, "length": 2}]


def test_markdown_is_refused_with_a_clear_reason() -> None:
    with pytest.raises(ApiError) as caught:
        format_text("*bold*", "MarkdownV2")

    assert "implements HTML only" in caught.value.description


async def test_escaped_name_is_accepted_by_send_message(api: RawApi, ani: StubUser) -> None:
    result = await api.ok(
        "sendMessage",
        chat_id=1001,
        text='KSU "Maju &amp; Jaya" &lt;Sejahtera&gt;',
        parse_mode="HTML",
    )

    assert result["text"] == 'KSU "Maju & Jaya" <Sejahtera>'


async def test_raw_angle_brackets_are_rejected_by_send_message(api: RawApi, ani: StubUser) -> None:
    status, description = await api.error(
        "sendMessage", chat_id=1001, text="KSU <Sejahtera>", parse_mode="HTML"
    )

    assert status == 400
    assert description.startswith("Bad Request: can't parse entities")


async def test_length_is_counted_after_entity_parsing(api: RawApi, ani: StubUser) -> None:
    markup = "<b>" + "&amp;" * 4096 + "</b>"  # 20 487 characters of HTML, 4096 of text

    result = await api.ok("sendMessage", chat_id=1001, text=markup, parse_mode="HTML")

    assert len(markup) > 4096
    assert result["text"] == "&" * 4096
    assert result["entities"] == [{"type": "bold", "offset": 0, "length": 4096}]


@pytest.mark.parametrize(
    ("text", "parse_mode", "description"),
    [
        ("a" * 4097, "", "Bad Request: message is too long"),
        ("<i>" + "a" * 4097 + "</i>", "HTML", "Bad Request: message is too long"),
        ("", "", "Bad Request: message text is empty"),
        ("   ", "", "Bad Request: message text is empty"),
        ("<b></b>", "HTML", "Bad Request: message text is empty"),
    ],
)
async def test_text_outside_1_to_4096_characters_is_rejected(
    api: RawApi, ani: StubUser, text: str, parse_mode: str, description: str
) -> None:
    params: dict[str, Any] = {"parse_mode": parse_mode} if parse_mode else {}

    status, answer = await api.error("sendMessage", chat_id=1001, text=text, **params)

    assert (status, answer) == (400, description)


async def test_caption_is_limited_to_1024_characters(api: RawApi, ani: StubUser) -> None:
    photo = {"photo": ("p.jpg", b"jpeg bytes", "image/jpeg")}

    sent = await api.ok("sendPhoto", files=photo, chat_id=1001, caption="c" * 1024)
    status, description = await api.error(
        "sendPhoto", chat_id=1001, photo=sent["photo"][0]["file_id"], caption="c" * 1025
    )

    assert sent["caption"] == "c" * 1024
    assert (status, description) == (400, "Bad Request: message caption is too long")
