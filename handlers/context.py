"""Typed PTB context: the services every handler needs and the viewer of the current update."""

from __future__ import annotations

from typing import Any, TypeAlias

from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

from conversations.outcome import ChatForms
from domain.access import Viewer
from locales import Translator
from runtime.app import AppServices

__all__ = ["AppServices", "BotContext", "BotData", "GempurApp"]


class BotData:
    """`application.bot_data`: PTB builds it without arguments, `bot.py` attaches the services."""

    def __init__(self) -> None:
        self._services: AppServices | None = None

    def attach(self, services: AppServices) -> None:
        """Called once while the application is built."""
        self._services = services

    @property
    def services(self) -> AppServices:
        """The attached services; a missing attach is a wiring bug."""
        if self._services is None:
            msg = "BotData.services used before bot.build_application attached them"
            raise RuntimeError(msg)
        return self._services


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """The context of one update; the gate fills in `viewer` and `tr` before other handlers run."""

    def __init__(
        self,
        application: GempurApp,
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self._viewer: Viewer | None = None
        self._tr: Translator | None = None
        # The chat's forms as this update knows them (the gate sets it from the viewer).
        self.chat_forms = ChatForms()
        # Per-update scratch state (e.g. whether the callback query was answered).
        self.flags: dict[str, object] = {}

    @property
    def services(self) -> AppServices:
        """Shortcut to the application's services."""
        return self.bot_data.services

    @property
    def viewer(self) -> Viewer:
        """Who sent the update; set by the gate."""
        if self._viewer is None:
            msg = "viewer read before the gate ran"
            raise RuntimeError(msg)
        return self._viewer

    @property
    def tr(self) -> Translator:
        """The translator in the viewer's language (the default before the gate ran)."""
        if self._tr is None:
            return self.services.catalogues.get(None)
        return self._tr

    def admit(self, viewer: Viewer, tr: Translator, chat_forms: ChatForms) -> None:
        """Records what the gate learnt about the sender and their chat."""
        self._viewer = viewer
        self._tr = tr
        self.chat_forms = chat_forms


# The job queue's type stays open: PTB's builder does not carry the custom context type over to
# it, and it only runs album timers (scheduled jobs are `jobs/`, recorded in the database).
GempurApp: TypeAlias = Application[
    ExtBot[None], BotContext, dict[Any, Any], dict[Any, Any], BotData, JobQueue[Any]
]
