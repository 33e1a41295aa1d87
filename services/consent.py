"""What a person reads and presses before they are linked: role names, the privacy notice and
the consent buttons bound to one person (docs/privacy.md). Shared by invites and join requests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from config import AppConfig
from domain.access import Role
from domain.callbacks import ConsentButton, ConsentDecline
from domain.invites import consent_tag
from locales import N_, Translator

ROLE_NAME_KEYS = {
    Role.ADMIN: N_("role.admin"),
    Role.PIMPINAN: N_("role.pimpinan"),
    Role.PETUGAS: N_("role.petugas"),
    Role.PENGURUS: N_("role.pengurus"),
}
Buttons = Sequence[tuple[str, str]]  # (label, callback data), one button per row


def role_names(tr: Translator, roles: frozenset[Role]) -> str:
    """The roles held, in a fixed order, as one comma-separated phrase."""
    return ", ".join(tr.t(key) for role, key in ROLE_NAME_KEYS.items() if role in roles)


def inline_keyboard(buttons: Buttons) -> dict[str, Any]:
    """Bot API reply markup (JSON) for an outbox payload."""
    return {"inline_keyboard": [[{"text": text, "callback_data": data}] for text, data in buttons]}


def privacy_notice(tr: Translator, cfg: AppConfig) -> str:
    """The privacy notice of /privasi: what is stored, why, who sees it, for how long."""
    return tr.t(
        "privacy.notice",
        office=cfg.region.office,
        thread_days=cfg.privacy.thread_retention_days,
        draft_days=cfg.forms.draft_retention_days,
        outbox_days=cfg.privacy.outbox_retention_days,
        broadcast_days=cfg.privacy.broadcast_retention_days,
        contact=cfg.privacy.contact,
    )


def consent_request(
    tr: Translator,
    cfg: AppConfig,
    *,
    role: Role,
    koperasi_nama: str | None,
    invite_id: int,
    code_hash: str,
    telegram_user_id: int,
) -> tuple[str, Buttons]:
    """What the invited person reads before anything is stored, and the two buttons."""
    if koperasi_nama is not None:
        invited = tr.t("onboarding.invited_board", koperasi=koperasi_nama)
    else:
        invited = tr.t("onboarding.invited_as", role=tr.t(ROLE_NAME_KEYS[role]))
    question = tr.t("onboarding.consent_question")
    text = "\n\n".join([invited, privacy_notice(tr, cfg), question])
    tag = consent_tag(code_hash, invite_id, telegram_user_id)
    buttons = [
        (tr.t("onboarding.button.agree"), ConsentButton(invite_id, tag).encode()),
        (tr.t("onboarding.button.disagree"), ConsentDecline().encode()),
    ]
    return text, buttons


@dataclass(frozen=True)
class Newcomer:
    """The person consenting, as Telegram describes them; nothing of it is stored before."""

    telegram_user_id: int
    chat_id: int
    full_name: str | None
    language_code: str | None
