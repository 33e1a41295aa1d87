"""Bot identity and update delivery: getMe, getUpdates, webhooks, logOut and close."""

from __future__ import annotations

from telegram_stub.errors import ApiError
from telegram_stub.methods.base import Call, Handler
from telegram_stub.models import JsonDict


async def get_me(call: Call) -> JsonDict:
    """getMe."""
    return call.state.me()


async def get_updates(call: Call) -> list[JsonDict]:
    """getUpdates with Telegram's offset, limit, timeout and allowed_updates semantics."""
    if call.state.webhook_url:
        raise ApiError(
            409,
            "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        )
    call.state.updates.set_allowed(call.params.get("allowed_updates"))
    return await call.state.updates.poll(
        offset=call.params.get("offset", 0),
        limit=call.params.get("limit", 100),
        poll_seconds=call.params.get("timeout", 0),
    )


async def set_webhook(call: Call) -> bool:
    """setWebhook: remembered only (the stub delivers updates through getUpdates)."""
    call.state.webhook_url = call.params["url"]
    call.state.updates.set_allowed(call.params.get("allowed_updates"))
    if call.params.get("drop_pending_updates"):
        call.state.updates.clear()
    return True


async def delete_webhook(call: Call) -> bool:
    """deleteWebhook, optionally dropping pending updates."""
    call.state.webhook_url = ""
    if call.params.get("drop_pending_updates"):
        call.state.updates.clear()
    return True


async def get_webhook_info(call: Call) -> JsonDict:
    """getWebhookInfo."""
    return {
        "url": call.state.webhook_url,
        "has_custom_certificate": False,
        "pending_update_count": len(call.state.updates.pending),
    }


async def always_true(call: Call) -> bool:
    """logOut, close, and every other method the stub accepts without modelling it."""
    return True


HANDLERS: dict[str, Handler] = {
    "getMe": get_me,
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
    "logOut": always_true,
    "close": always_true,
}
