"""The outbox: queueing messages and the leader's paced sender (docs/architecture.md#the-outbox).

sender = OutboxSender(sessions, PtbBotApi(bot), clock, cfg.delivery, cfg.region.tz,
                      default_holder())
report = await sender.recover()       # rows a dead process left claimed
doorbell.install(sender.wake)          # commits of interactive rows wake it at once
await sender.run(stop)                 # until stop is set
"""

from services.outbox.api import BotApi, Failure, PtbBotApi, classify, message_id_of
from services.outbox.enqueue import enqueue_message
from services.outbox.sender import (
    CHAT_UNREACHABLE,
    LEFT_CLAIMED,
    OutboxSender,
    RecoveryReport,
    default_holder,
)
from storage.repositories.outbox import PRIORITY_BULK, PRIORITY_INTERACTIVE

__all__ = [
    "CHAT_UNREACHABLE",
    "LEFT_CLAIMED",
    "PRIORITY_BULK",
    "PRIORITY_INTERACTIVE",
    "BotApi",
    "Failure",
    "OutboxSender",
    "PtbBotApi",
    "RecoveryReport",
    "classify",
    "default_holder",
    "enqueue_message",
    "message_id_of",
]
