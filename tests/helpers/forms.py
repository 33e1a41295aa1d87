"""A test-only form with every input kind, started by /uji (never part of the real bot)."""

from __future__ import annotations

from conversations.spec import (
    Answers,
    FormRun,
    FormSpec,
    InputKind,
    Option,
    Reply,
    Step,
    steps,
)
from domain.commands import CommandSpec
from storage.uow import UnitOfWork

COMMAND = CommandSpec("uji", "cmd.bantuan", 1000)


def _after_choice(answers: Answers) -> str:
    """Skip logic: choosing "tiga" skips the name."""
    return "jumlah" if answers["pilihan"] == "tiga" else "nama"


async def _complete(uow: UnitOfWork, run: FormRun) -> Reply:
    del uow
    return Reply("bahasa.saved", {"language": f"UJI {len(run.answers)}"})


def every_kind_form() -> FormSpec:
    """choice → text → number → date → location → photo → document → album → voice."""
    options = [
        Option("satu", label="Satu"),
        Option("dua", label="Dua"),
        Option("tiga", label="Tiga"),
    ]
    return FormSpec(
        name="uji",
        code="u",
        steps=steps(
            Step(
                "pilihan", "input.expected.choice", InputKind.CHOICE, options, next=_after_choice
            ),
            Step("nama", "input.expected.text", InputKind.TEXT, max_length=40, next="jumlah"),
            Step(
                "jumlah",
                "input.expected.number",
                InputKind.NUMBER,
                minimum=1,
                maximum=100,
                next="tanggal",
            ),
            Step(
                "tanggal",
                "input.expected.date",
                InputKind.DATE,
                days_back=30,
                days_ahead=0,
                next="lokasi",
            ),
            Step("lokasi", "input.expected.location", InputKind.LOCATION, next="foto"),
            Step("foto", "input.expected.photo", InputKind.PHOTO, next="berkas"),
            Step("berkas", "input.expected.document", InputKind.DOCUMENT, next="album"),
            Step("album", "input.expected.album", InputKind.ALBUM, next="suara"),
            Step("suara", "input.expected.voice", InputKind.VOICE),
        ),
        first_step="pilihan",
        complete=_complete,
        command=COMMAND,
    )


REPEAT_COMMAND = CommandSpec("ulang", "cmd.bantuan", 1001)


def _again(answers: Answers) -> str | None:
    """The step comes again while the person chooses "lagi" (like a visit's follow-ups)."""
    return "pilih" if answers["pilih"][-1] == "lagi" else None


def repeat_form() -> FormSpec:
    """One choice step asked again and again with the same step id, started by /ulang."""
    options = [Option("lagi", label="Lagi"), Option("cukup", label="Cukup")]
    return FormSpec(
        name="ulang",
        code="ul",
        steps=steps(
            Step(
                "pilih",
                "input.expected.choice",
                InputKind.CHOICE,
                options,
                repeat=True,
                next=_again,
            )
        ),
        first_step="pilih",
        complete=_complete,
        command=REPEAT_COMMAND,
    )


EXTRA_FORMS = (every_kind_form(), repeat_form())
