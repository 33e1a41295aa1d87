"""Rings the leader's sender when a commit has queued an interactive outbox row.

A note to an officer (soon a relayed message) should leave at once, not at the sender's next
poll. Nothing that queues one has to remember it: the outbox repository marks the session when
it inserts an interactive row (:func:`note_interactive_queued`), and sessions made with
:func:`ringing_session_class` ring the :class:`OutboxDoorbell` once the transaction has
committed — the same pattern as :mod:`storage.viewer_changes`. The leader installs its
sender's ``wake`` into the doorbell; the sender then gathers the burst and claims.

- Nothing rings on rollback, nor before the commit, so the sender never looks for a row
  that is not yet visible (or never will be).
- Bulk rows (reminders, broadcasts) do not ring: they wait for the sending window and the
  pace anyway, and the sender's poll finds them.
- A process without a sender (the CLI, a standby) has no listener: its rows go at the
  leader's next poll, as a doorbell cannot ring in another process.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

_QUEUED = "gempur_interactive_queued"


class OutboxDoorbell:
    """Where the leader's sender listens for committed interactive rows."""

    def __init__(self) -> None:
        self._listener: Callable[[], None] | None = None

    def install(self, listener: Callable[[], None]) -> None:
        """`listener` (the sender's ``wake``) is called after each such commit from now on."""
        self._listener = listener

    def uninstall(self) -> None:
        """No one listens any more (the sender stopped)."""
        self._listener = None

    def ring(self) -> None:
        """Tells the listener, if any (must not raise: the commit is already done)."""
        if self._listener is not None:
            self._listener()


def note_interactive_queued(session: AsyncSession) -> None:
    """Called by the outbox repository: this transaction queued an interactive row."""
    session.info[_QUEUED] = True


def ringing_session_class(doorbell: OutboxDoorbell, base: type[Session]) -> type[Session]:
    """A subclass of `base` (for ``async_sessionmaker(sync_session_class=…)``) whose commits
    ring `doorbell` when they queued an interactive row."""

    class RingingSession(base):  # type: ignore[valid-type, misc]
        """A session that rings the outbox doorbell after committing an interactive row."""

    @event.listens_for(RingingSession, "after_commit")
    def _after_commit(session: Session) -> None:
        if session.in_nested_transaction():
            return  # a savepoint released: the outer transaction may still roll back
        if session.info.pop(_QUEUED, False):
            doorbell.ring()

    @event.listens_for(RingingSession, "after_transaction_end")
    def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None:  # committed (rung already) or rolled back: forget
            session.info.pop(_QUEUED, None)

    return RingingSession
