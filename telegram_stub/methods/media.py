"""Files: sendPhoto/Document/Voice/Audio/Video, sendMediaGroup and getFile.

A file is given as a multipart upload, as ``attach://<part>`` or as a file_id the stub issued.
HTTP URLs are refused (the stub does not fetch from the Internet).
"""

from __future__ import annotations

from typing import Any

from telegram_stub.errors import ApiError, bad_request
from telegram_stub.markup import check_caption, format_text
from telegram_stub.methods.base import Call, Handler
from telegram_stub.models import JsonDict, StoredFile, Upload
from telegram_stub.state import wrong_file

_ATTACH = "attach://"
_MEDIA_GROUP_SIZE = range(2, 11)
_ALBUM_KINDS = frozenset({"photo", "video", "document", "audio"})


def entity_too_large() -> ApiError:
    """Telegram's answer to an upload over the 50 MB limit."""
    return ApiError(413, "Request Entity Too Large")


def _store_upload(call: Call, upload: Upload, kind: str) -> StoredFile:
    size = len(upload.data)
    if size > call.file_limits.upload:
        raise entity_too_large()
    if size == 0:
        raise bad_request("file must be non-empty")
    if kind == "photo" and size > call.file_limits.photo:
        raise bad_request("PHOTO_INVALID: photo size must not exceed 10 MB")
    content_type = upload.content_type
    mime = None if kind == "photo" or content_type == "application/octet-stream" else content_type
    return call.state.store_file(upload.data, kind, upload.filename or None, mime)


def resolve_file(call: Call, value: Any, kind: str) -> StoredFile:
    """The StoredFile for an upload, an ``attach://`` reference or a file_id of ``kind``."""
    if isinstance(value, Upload):
        return _store_upload(call, value, kind)
    if not isinstance(value, str) or not value:
        raise wrong_file()
    if value.startswith(_ATTACH):
        upload = call.uploads.get(value.removeprefix(_ATTACH))
        if upload is None:
            raise wrong_file()
        return _store_upload(call, upload, kind)
    stored = call.state.file(value)
    if stored.kind != kind:
        raise bad_request(f"can't use file of type {stored.kind.title()} as {kind.title()}")
    return stored


def _sender(kind: str) -> Handler:
    async def send_media(call: Call) -> JsonDict:
        chat = call.chat()
        stored = resolve_file(call, call.params[kind], kind)
        caption = call.caption()
        markup = call.reply_markup()
        return call.send(
            chat,
            caption=caption.text if caption and caption.text else None,
            entities=caption.entities if caption else [],
            media=stored.media_fields(call.params.get("duration")),
            reply_markup=markup,
        )

    send_media.__doc__ = f"send{kind.title()}."
    return send_media


def _check_album(items: list[JsonDict]) -> None:
    if len(items) not in _MEDIA_GROUP_SIZE:
        raise bad_request("wrong number of media in the album: must include 2-10 items")
    kinds = {item.get("type") for item in items}
    if not kinds <= _ALBUM_KINDS:
        raise bad_request(f"unsupported media type in the album: {sorted(map(str, kinds))}")
    for exclusive in ("document", "audio"):
        if exclusive in kinds and len(kinds) > 1:
            raise bad_request(f"{exclusive}s can't be mixed with other media types in an album")


async def send_media_group(call: Call) -> list[JsonDict]:
    """sendMediaGroup: 2-10 InputMedia items, sent as messages sharing a media_group_id."""
    chat = call.chat()
    items: list[JsonDict] = call.params["media"]
    _check_album(items)
    prepared = []
    for item in items:
        stored = resolve_file(call, item.get("media"), item["type"])
        caption = format_text(
            item.get("caption", ""), item.get("parse_mode"), item.get("caption_entities")
        )
        check_caption(caption)
        prepared.append((stored, caption))
    reply_to = call.reply_to(chat)
    call.admit(chat)
    group_id = call.state.new_media_group_id()
    sent = [
        call.state.add_message(
            chat,
            call.state.bot,
            outgoing=True,
            caption=caption.text or None,
            entities=caption.entities,
            media={**stored.media_fields(), "media_group_id": group_id},
            reply_to=reply_to,
        )
        for stored, caption in prepared
    ]
    return [message.to_api() for message in sent]


async def get_file(call: Call) -> JsonDict:
    """getFile: bots may download files up to 20 MB."""
    stored = call.state.file(call.params["file_id"])
    if stored.size > call.file_limits.download:
        raise bad_request("file is too big")
    return stored.to_file()


HANDLERS: dict[str, Handler] = {
    "sendPhoto": _sender("photo"),
    "sendDocument": _sender("document"),
    "sendVoice": _sender("voice"),
    "sendAudio": _sender("audio"),
    "sendVideo": _sender("video"),
    "sendMediaGroup": send_media_group,
    "getFile": get_file,
}
