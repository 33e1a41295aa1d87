"""Uploads, file_id reuse across chats, downloads, albums and Telegram's size limits."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from telegram_stub import BotApiStub, FileLimits, StubUser
from tests.stub.conftest import RawApi

PDF = b"%PDF-1.4 laporan RAT"


async def test_upload_then_reuse_file_id_in_another_chat_then_download(
    api: RawApi, stub: BotApiStub, ani: StubUser, budi: StubUser
) -> None:
    uploaded = await api.ok(
        "sendDocument",
        files={"document": ("laporan.pdf", PDF, "application/pdf")},
        chat_id=1001,
        caption="Laporan",
    )
    file_id = uploaded["document"]["file_id"]

    reused = await api.ok("sendDocument", chat_id=1002, document=file_id)
    file = await api.ok("getFile", file_id=file_id)
    async with httpx.AsyncClient() as client:
        download = await client.get(f"{stub.file_base_url}{stub.token}/{file['file_path']}")

    assert uploaded["document"]["file_name"] == "laporan.pdf"
    assert uploaded["document"]["mime_type"] == "application/pdf"
    assert reused["document"]["file_id"] == file_id
    assert reused["document"]["file_unique_id"] == uploaded["document"]["file_unique_id"]
    assert file["file_size"] == len(PDF)
    assert file["file_path"].endswith(".pdf")
    assert download.content == PDF


async def test_photo_voice_and_unknown_file_ids(api: RawApi, ani: StubUser) -> None:
    photo = await api.ok(
        "sendPhoto", files={"photo": ("p.jpg", b"jpeg", "image/jpeg")}, chat_id=1001
    )
    voice = await api.ok(
        "sendVoice", files={"voice": ("v.ogg", b"OggS", "audio/ogg")}, chat_id=1001, duration=4
    )

    unknown = await api.error("sendPhoto", chat_id=1001, photo="AgACdoesnotexist")
    wrong_kind = await api.error("sendPhoto", chat_id=1001, photo=voice["voice"]["file_id"])
    url = await api.error("sendPhoto", chat_id=1001, photo="https://example.org/p.jpg")

    assert [set(size) >= {"file_id", "width", "height"} for size in photo["photo"]] == [True]
    assert voice["voice"]["duration"] == 4
    assert unknown == url == (400, "Bad Request: wrong file identifier/HTTP URL specified")
    assert wrong_kind == (400, "Bad Request: can't use file of type Voice as Photo")


async def test_download_needs_the_right_token_and_an_existing_path(
    api: RawApi, stub: BotApiStub, ani: StubUser
) -> None:
    stored = stub.upload_file(b"data", "document", filename="a.txt")

    async with httpx.AsyncClient(base_url=stub.url) as client:
        wrong_token = await client.get(f"/file/bot1:X/{stored.file_path}")
        missing = await client.get(f"/file/bot{stub.token}/documents/nothing.txt")
        reused = await api.ok("sendDocument", chat_id=1001, document=stored.file_id)

    assert wrong_token.status_code == 401
    assert missing.status_code == 404
    assert reused["document"]["file_id"] == stored.file_id


async def test_media_group_with_attachments_and_file_ids(
    api: RawApi, stub: BotApiStub, ani: StubUser
) -> None:
    stored = stub.upload_file(b"second photo", "photo")
    media = [
        {"type": "photo", "media": "attach://one", "caption": "<b>RAT</b>", "parse_mode": "HTML"},
        {"type": "photo", "media": stored.file_id},
    ]

    album = await api.ok(
        "sendMediaGroup",
        files={"one": ("1.jpg", b"first photo", "image/jpeg")},
        chat_id=1001,
        media=media,
    )

    assert len({m["media_group_id"] for m in album}) == 1
    assert album[0]["caption"] == "RAT"
    assert album[0]["caption_entities"] == [{"type": "bold", "offset": 0, "length": 3}]
    assert album[1]["photo"][0]["file_id"] == stored.file_id


@pytest.mark.parametrize("count", [1, 11])
async def test_media_group_needs_2_to_10_items(
    api: RawApi, stub: BotApiStub, ani: StubUser, count: int
) -> None:
    stored = stub.upload_file(b"photo", "photo")
    media = [{"type": "photo", "media": stored.file_id}] * count

    status, description = await api.error("sendMediaGroup", chat_id=1001, media=media)

    assert status == 400
    assert "2-10" in description


async def test_documents_cannot_mix_with_photos_in_an_album(
    api: RawApi, stub: BotApiStub, ani: StubUser
) -> None:
    photo = stub.upload_file(b"photo", "photo")
    document = stub.upload_file(b"doc", "document")
    media = [
        {"type": "photo", "media": photo.file_id},
        {"type": "document", "media": document.file_id},
    ]

    status, _ = await api.error("sendMediaGroup", chat_id=1001, media=media)

    assert status == 400


@pytest.fixture
async def small_stub() -> AsyncIterator[BotApiStub]:
    """A stub with tiny limits so the size rules are tested without megabytes of data."""
    limits = FileLimits(upload=1_000, photo=500, download=200)
    async with BotApiStub(file_limits=limits) as running:
        running.add_user(StubUser(1001, "Ani"))
        yield running


async def test_size_limits(small_stub: BotApiStub) -> None:
    async with httpx.AsyncClient(base_url=small_stub.api_url) as client:
        api = RawApi(client)
        too_large = await api.error(
            "sendDocument", files={"document": ("big.bin", b"x" * 1_001)}, chat_id="1001"
        )
        big_photo = await api.error(
            "sendPhoto", files={"photo": ("big.jpg", b"x" * 501)}, chat_id="1001"
        )
        empty = await api.error("sendDocument", files={"document": ("e.bin", b"")}, chat_id="1001")
        sent = await api.ok(
            "sendDocument", files={"document": ("ok.bin", b"x" * 300)}, chat_id="1001"
        )
        too_big_to_get = await api.error("getFile", file_id=sent["document"]["file_id"])

    assert too_large == (413, "Request Entity Too Large")
    assert big_photo[0] == 400
    assert empty == (400, "Bad Request: file must be non-empty")
    assert too_big_to_get == (400, "Bad Request: file is too big")


async def test_request_beyond_the_server_body_limit_is_413(small_stub: BotApiStub) -> None:
    async with httpx.AsyncClient(base_url=small_stub.api_url) as client:
        api = RawApi(client)
        huge = await api.error(
            "sendDocument", files={"document": ("huge.bin", b"x" * (3 << 20))}, chat_id="1001"
        )

    assert huge == (413, "Request Entity Too Large")


async def test_photo_over_10_mb_is_rejected_with_default_limits(
    api: RawApi, ani: StubUser
) -> None:
    status, description = await api.error(
        "sendPhoto", files={"photo": ("big.jpg", b"x" * (10 * 1024 * 1024 + 1))}, chat_id=1001
    )

    assert status == 400
    assert "10 MB" in description


async def test_default_limits_are_telegrams() -> None:
    limits = FileLimits()

    assert (limits.upload, limits.photo, limits.download) == (50 << 20, 10 << 20, 20 << 20)


async def test_control_api_hands_out_a_sent_file_by_its_id(
    api: RawApi, stub: BotApiStub, ani: StubUser
) -> None:
    sent = await api.ok(
        "sendDocument",
        files={"document": ("rekap.xlsx", b"PK\x03\x04 rekap", "application/vnd.ms-excel")},
        chat_id=1001,
    )
    file_id = sent["document"]["file_id"]
    async with httpx.AsyncClient(base_url=stub.control_url) as client:
        download = await client.get(f"/files/{file_id}")
        unknown = await client.get("/files/BQACAgUnknown")

    assert download.status_code == 200
    assert download.content == b"PK\x03\x04 rekap"
    assert download.headers["Content-Type"] == "application/vnd.ms-excel"
    assert 'filename="rekap.xlsx"' in download.headers["Content-Disposition"]
    assert stub.read_file(file_id).filename == "rekap.xlsx"
    assert unknown.status_code == 404
    assert "unknown file_id" in unknown.json()["error"]
