"""/siaran (`/broadcast`): a message from the office to many people at once. Admins only.

Collects who it goes to — all boards, the boards of one kecamatan, stage, flag or jenis, all
officers (or the cooperatives /rekap hands over, `handlers.siaran_entry`, which starts at
the attachment with the segment preset) — an optional photo or document, and the text (4,096
characters, 1,024 under an attachment). Completing stores a draft
(`services.broadcasts.create_draft`); its result shows the preview exactly as recipients will
see it, with the recipient count at the moment and *Kirim sekarang*, *Jadwalkan*, *Batal*
(`handlers.siaran`). *Jadwalkan* comes back to this form at its `jadwal` step, with the
draft's id as the subject: a WIB date and time in the future, inside the sending window.
The first step's last option lists the scheduled broadcasts, each with a cancel button.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from config import AppConfig
from conversations.spec import (
    Answers,
    FormResult,
    FormRun,
    FormSpec,
    InputKind,
    Option,
    Reply,
    ShowBroadcastList,
    ShowBroadcastPreview,
    Step,
    steps,
)
from domain.access import Role
from domain.broadcast import (
    MAX_DAYS_AHEAD,
    TEXT_LIMIT,
    Segment,
    SegmentKind,
    check_text,
    check_window,
)
from domain.commands import ADMINS, CommandSpec
from domain.koperasi_list import FLAGS
from domain.register import JENIS
from domain.stages import STAGES
from locales import N_, Catalogues
from locales.labels import FLAG_KEYS, JENIS_KEYS, STAGE_KEYS
from services.broadcasts import create_draft, schedule
from storage.uow import UnitOfWork

NAME = "siaran"
COMMAND = CommandSpec(NAME, N_("cmd.siaran"), 95, {"en": "broadcast"}, ADMINS)
CONFIGURED = True  # form() takes the configuration (kecamatan, the sending window)

SASARAN, KECAMATAN, TAHAP, FLAG, JENIS_STEP = "sasaran", "kecamatan", "tahap", "flag", "jenis"
LAMPIRAN, FOTO, DOKUMEN, TEKS, JADWAL = "lampiran", "foto", "dokumen", "teks", "jadwal"
#: Answers a start from /rekap (or *Jadwalkan*) presets: the stored segment, the draft's id.
SEGMEN, SIARAN = "segmen", "siaran"
LIST = "list"
NO_MEDIA, PHOTO, DOCUMENT = "none", "photo", "document"

_TARGETS = [
    Option(SegmentKind.BOARDS.value, N_("siaran.sasaran.boards")),
    Option(SegmentKind.KECAMATAN.value, N_("siaran.sasaran.kecamatan")),
    Option(SegmentKind.STAGE.value, N_("siaran.sasaran.stage")),
    Option(SegmentKind.FLAG.value, N_("siaran.sasaran.flag")),
    Option(SegmentKind.JENIS.value, N_("siaran.sasaran.jenis")),
    Option(SegmentKind.OFFICERS.value, N_("siaran.sasaran.officers")),
    Option(LIST, N_("siaran.sasaran.list")),
]
_FILTER_STEP = {
    SegmentKind.KECAMATAN.value: KECAMATAN,
    SegmentKind.STAGE.value: TAHAP,
    SegmentKind.FLAG.value: FLAG,
    SegmentKind.JENIS.value: JENIS_STEP,
}
_MEDIA = [
    Option(NO_MEDIA, N_("siaran.lampiran.none")),
    Option(PHOTO, N_("siaran.lampiran.photo")),
    Option(DOCUMENT, N_("siaran.lampiran.document")),
]


def _after_target(answers: Answers) -> str | None:
    target = answers[SASARAN]
    if target == LIST:
        return None
    return _FILTER_STEP.get(target, LAMPIRAN)


def _after_media(answers: Answers) -> str:
    return {PHOTO: FOTO, DOCUMENT: DOKUMEN}.get(answers[LAMPIRAN], TEKS)


def _text_fits(value: Any, answers: Answers) -> None:
    """4,096 characters, or 1,024 as the caption of a photo or document."""
    check_text(str(value), answers.get(LAMPIRAN, NO_MEDIA) != NO_MEDIA)


def segment_of(answers: Answers) -> Segment:
    """The segment the answers chose (or the one /rekap preset)."""
    if SEGMEN in answers:
        return Segment.from_json(answers[SEGMEN])
    kind = SegmentKind(answers[SASARAN])
    value = answers.get(_FILTER_STEP.get(kind.value, ""))
    return Segment(kind, value)


def form(catalogues: Catalogues, cfg: AppConfig | None = None) -> FormSpec:
    """The broadcast form over the configured kecamatan and sending window."""
    del catalogues
    config = cfg if cfg is not None else AppConfig()
    delivery, tz = config.delivery, config.region.tz

    def kecamatan() -> list[Option]:
        return [Option(name, label=name) for name in config.region.kecamatan]

    def in_window(value: Any, answers: Answers) -> None:
        del answers
        check_window(datetime.fromisoformat(value), tz, delivery.window_start, delivery.window_end)

    async def complete(uow: UnitOfWork, run: FormRun) -> FormResult:
        """The draft and its preview, the schedule of a draft, or the list."""
        if run.person_id is None or not await uow.roles.has_role(run.person_id, Role.ADMIN):
            return Reply(N_("auth.not_allowed"))
        answers = run.answers
        if JADWAL in answers:
            when = datetime.fromisoformat(answers[JADWAL])
            if not await schedule(uow, int(answers[SIARAN]), when):
                return Reply(N_("siaran.already_decided"))
            return Reply(N_("siaran.scheduled"), {"number": str(answers[SIARAN]), "when": when})
        if answers.get(SASARAN) == LIST:
            return ShowBroadcastList(Reply(N_("siaran.list.title")))
        kind = answers.get(LAMPIRAN, NO_MEDIA)
        media = answers.get(FOTO if kind == PHOTO else DOKUMEN) if kind != NO_MEDIA else None
        broadcast_id = await create_draft(
            uow,
            person_id=run.person_id,
            segment=segment_of(answers),
            text=answers[TEKS],
            media=media,
            media_kind=kind if media else None,
            now=run.now,
        )
        return ShowBroadcastPreview(Reply(N_("siaran.preview.title")), broadcast_id)

    return FormSpec(
        name=NAME,
        code="s",
        command=COMMAND,
        steps=steps(
            Step(
                SASARAN,
                N_("siaran.sasaran.prompt"),
                InputKind.CHOICE,
                _TARGETS,
                next=_after_target,
            ),
            Step(
                KECAMATAN,
                N_("siaran.kecamatan.prompt"),
                InputKind.CHOICE,
                kecamatan,
                next=LAMPIRAN,
            ),
            Step(
                TAHAP,
                N_("siaran.tahap.prompt"),
                InputKind.CHOICE,
                [Option(code, STAGE_KEYS[code]) for code in STAGES],
                next=LAMPIRAN,
            ),
            Step(
                FLAG,
                N_("siaran.flag.prompt"),
                InputKind.CHOICE,
                [Option(code, FLAG_KEYS[code]) for code in FLAGS],
                next=LAMPIRAN,
            ),
            Step(
                JENIS_STEP,
                N_("siaran.jenis.prompt"),
                InputKind.CHOICE,
                [Option(code, JENIS_KEYS[code]) for code in JENIS],
                next=LAMPIRAN,
            ),
            Step(
                LAMPIRAN, N_("siaran.lampiran.prompt"), InputKind.CHOICE, _MEDIA, next=_after_media
            ),
            Step(FOTO, N_("siaran.foto.prompt"), InputKind.PHOTO, next=TEKS),
            Step(DOKUMEN, N_("siaran.dokumen.prompt"), InputKind.DOCUMENT, next=TEKS),
            Step(
                TEKS,
                N_("siaran.teks.prompt"),
                InputKind.TEXT,
                validate=_text_fits,
                max_length=TEXT_LIMIT,
            ),
            # Reached only from the preview's *Jadwalkan*, with the draft's id preset.
            Step(
                JADWAL,
                N_("siaran.jadwal.prompt"),
                InputKind.DATETIME,
                validate=in_window,
                days_ahead=MAX_DAYS_AHEAD,
            ),
        ),
        first_step=SASARAN,
        complete=complete,
    )
