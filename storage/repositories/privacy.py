"""A person's own data: what the export reads, the correction, and the erasure's statements.

Erasure leaves no name, phone, username, note or Telegram id of the person in any table: the
person row stays (the audit trail's ids point at it) with every identifying field nulled;
rows keyed or addressed by their Telegram id are deleted or anonymised. A message to someone
else about a person (its text may name them) is found by its idempotency key: queue it under
:func:`about_key`, as the admins' notices of a request for access are under ``join:<id>:``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, cast, delete, literal, or_, select, update

from domain.delivery import OutboxStatus
from domain.kunjungan import name_words, redact_names, redact_text
from storage.repositories.base import Repository
from storage.tables import (
    AuditLog,
    FormSession,
    JoinRequest,
    Kunjungan,
    KunjunganVersion,
    Outbox,
    Person,
    RelaySession,
    RoleGrant,
    TermSeen,
    ThreadMessage,
    TindakLanjut,
)
from storage.viewer_changes import touches_viewers

#: The error recorded on outbox rows an erasure stopped.
ERASED = "erased"

_ABOUT = "about"


def about_key(person_id: int, rest: str) -> str:
    """The idempotency key of a message to someone else about the person: erasing the person
    empties it (and stops it if not sent yet)."""
    return f"{_ABOUT}:{person_id}:{rest}"


# Rows not settled yet: an erasure stops them (a claimed row's late answer is then ignored,
# the sender only finishes rows still claimed).
_UNSETTLED = (OutboxStatus.PENDING.value, OutboxStatus.CLAIMED.value)

#: The identifying fields of a person, nulled on erasure.
_PERSON_FIELDS = (
    "telegram_user_id",
    "full_name",
    "phone",
    "username",
    "language",
    "telegram_language_code",
    "consent_at",
    "menu_state",
    "selected_koperasi_id",
)


class PrivacyRepository(Repository):
    """The statements behind /privasi: export, correction and erasure of one person."""

    async def grants(self, person_id: int) -> list[RoleGrant]:
        """Every role the person holds or held."""
        return list(
            await self.session.scalars(select(RoleGrant).where(RoleGrant.person_id == person_id))
        )

    async def forms(self, telegram_user_id: int) -> list[FormSession]:
        """The person's forms, active, suspended or drafts."""
        return list(
            await self.session.scalars(
                select(FormSession).where(FormSession.user_id == telegram_user_id)
            )
        )

    async def activity(self, person_id: int) -> list[AuditLog]:
        """Audit entries the person made or that are about them, oldest first."""
        return list(
            await self.session.scalars(
                select(AuditLog)
                .where(
                    (AuditLog.actor_person_id == person_id)
                    | ((AuditLog.entity == "person") & (AuditLog.entity_id == str(person_id)))
                )
                .order_by(AuditLog.at)
            )
        )

    async def correct(self, person_id: int, values: dict[str, Any]) -> None:
        """Stores the person's own correction of their fields."""
        await self.session.execute(
            update(Person)
            .where(Person.id == person_id)
            .values(**values)
            .execution_options(**touches_viewers(person_ids=[person_id]))
        )

    async def erase(self, person: Person, now: datetime) -> None:
        """Erases the person: roles revoked, Telegram traces gone, the person row emptied."""
        await self.session.execute(
            update(RoleGrant)
            .where(RoleGrant.person_id == person.id, RoleGrant.active.is_(True))
            .values(active=False, revoked_at=now)
            .execution_options(**touches_viewers(person_ids=[person.id]))
        )
        await self._scrub_visits(person)
        # What the person has read: the terms already explained to them.
        await self.session.execute(delete(TermSeen).where(TermSeen.person_id == person.id))
        telegram_user_id = person.telegram_user_id
        about = [f"{_ABOUT}:{person.id}:"]
        if telegram_user_id is not None:
            requests = await self._forget_telegram_id(person.id, telegram_user_id)
            about += [f"join:{request_id}:" for request_id in requests]
        await self._scrub_outbox_about(about)
        await self.session.execute(
            update(Person)
            .where(Person.id == person.id)
            .values(**dict.fromkeys(_PERSON_FIELDS), erased_at=now, updated_at=now)
            .execution_options(
                synchronize_session="fetch",
                **touches_viewers(telegram_user_ids=[telegram_user_id], person_ids=[person.id]),
            )
        )

    async def _scrub_visits(self, person: Person) -> None:
        """Erases the person's name from the visit reports and follow-ups of every cooperative
        they held a role in (a person met is named in free text)."""
        words = name_words(person.full_name)
        if not words:
            return
        koperasi_ids = select(RoleGrant.koperasi_id).where(
            RoleGrant.person_id == person.id, RoleGrant.koperasi_id.is_not(None)
        )
        versions = await self.session.scalars(
            select(KunjunganVersion)
            .join(Kunjungan, Kunjungan.id == KunjunganVersion.kunjungan_id)
            .where(Kunjungan.koperasi_id.in_(koperasi_ids))
        )
        for version in versions:
            version.data = dict(redact_names(version.data, words))  # type: ignore[call-overload]
        follow_ups = await self.session.scalars(
            select(TindakLanjut).where(TindakLanjut.koperasi_id.in_(koperasi_ids))
        )
        for item in follow_ups:
            item.description = redact_text(item.description, words)
            if item.done_note is not None:
                item.done_note = redact_text(item.done_note, words)
        await self.session.flush()

    async def _forget_telegram_id(self, person_id: int, user_id: int) -> list[int]:
        """Deletes or anonymises every row that holds the Telegram id (a private chat's id is
        its user's id, so chat ids count too); returns the ids of the deleted join requests."""
        # Forms, drafts included: the answers are theirs.
        await self.session.execute(
            delete(FormSession)
            .where(or_(FormSession.user_id == user_id, FormSession.chat_id == user_id))
            .execution_options(**touches_viewers(telegram_user_ids=[user_id], chat_ids=[user_id]))
        )
        requests = await self._delete_join_requests(user_id)
        await self._anonymise_outbox_to(user_id)
        await self.session.execute(
            delete(RelaySession).where(
                or_(RelaySession.chat_id == user_id, RelaySession.person_id == person_id)
            )
        )
        await self.session.execute(
            delete(ThreadMessage).where(
                or_(ThreadMessage.from_chat_id == user_id, ThreadMessage.to_chat_id == user_id)
            )
        )
        return requests

    async def _delete_join_requests(self, telegram_user_id: int) -> list[int]:
        """Deletes the person's requests for access (name and note); returns their ids."""
        result = await self.session.scalars(
            delete(JoinRequest)
            .where(
                or_(
                    JoinRequest.telegram_user_id == telegram_user_id,
                    JoinRequest.chat_id == telegram_user_id,
                )
            )
            .returning(JoinRequest.id)
            .execution_options(synchronize_session=False)
        )
        return list(result)

    async def _scrub_outbox_about(self, prefixes: Sequence[str]) -> None:
        """Messages to others about the person (keys starting with one of `prefixes`) lose
        their text; those not sent yet are stopped."""
        for prefix in prefixes:
            about = self._key_starts_with(prefix)
            await self._stop_unsettled(about)
            await self.session.execute(
                update(Outbox)
                .where(about)
                .values(payload={})
                .execution_options(synchronize_session=False)
            )

    async def _anonymise_outbox_to(self, chat_id: int) -> None:
        """Messages to the person keep only their status and times: no chat, key or text."""
        to_chat = Outbox.chat_id == chat_id
        await self._stop_unsettled(to_chat)
        await self.session.execute(
            update(Outbox)
            .where(to_chat)
            .values(
                chat_id=0,
                idempotency_key=literal(f"{ERASED}:") + cast(Outbox.id, String),
                payload={},
            )
            .execution_options(synchronize_session=False)
        )

    def _key_starts_with(self, prefix: str) -> ColumnElement[bool]:
        """Outbox rows whose idempotency key starts with `prefix` (which ends with ':')."""
        if self.session.get_bind().dialect.name == "sqlite":
            # Keys compare bytewise there, so a range is exact and uses the unique index
            # (';' follows ':'); on the loop's thread a LIKE would scan the whole outbox.
            return Outbox.idempotency_key.between(prefix, f"{prefix[:-1]};")
        # PostgreSQL may order by a linguistic collation, where a range is not a prefix.
        return Outbox.idempotency_key.startswith(prefix, autoescape=True)

    async def _stop_unsettled(self, which: ColumnElement[bool]) -> None:
        await self.session.execute(
            update(Outbox)
            .where(which, Outbox.status.in_(_UNSETTLED))
            .values(status=OutboxStatus.CANCELLED.value, error=ERASED)
            .execution_options(synchronize_session=False)
        )
