"""/lapor sub-flows: one checklist item or one milestone of the current RAT cycle.

Who: a board member for their cooperative, an officer (assigned) or an admin on the board's
behalf; the ODS entry only the office. Started by a button of the /lapor menu
(`handlers.lapor`) with the subject `<koperasi id>:<target>`; the menu puts the cycle's
dates under `_ctx` in the answers and sets the target's first step, so the steps validate
dates against the cycle and skip what the target does not ask. Completing writes the change
(`services.rat_report.record`) and shows the status card again.

Item: state → note ("-": none) → evidence? → files (album; a file suggested for the minutes
and the LPJ). Milestones: planned date → mode; invitations; materials; RAT held: date →
members registered → present (quorum computed from the cooperative's rule, never asked) →
LPJ accepted → statements approved → RK/RAPB adopted → SHU decided (→ its amount) →
elections held (→ the board check: `handlers.board_check`);
minutes (a file); reported to the office; entered in ODS.
"""

from __future__ import annotations

from typing import Any

from conversations.lapor_values import (
    CTX,
    change_of,
    check_date,
    check_present,
    check_rupiah,
    completion_day,
    store_rupiah,
)
from conversations.spec import (
    Answers,
    FormRun,
    FormSpec,
    InputKind,
    NextStep,
    Option,
    Reply,
    ShowStatusCard,
    Step,
    steps,
)
from domain.errors import InputError
from domain.rat.checklist import ITEM_STATES
from domain.rat.report import HELD, INVITE, MATERIALS, MINUTES, ODS, PLAN, REPORTED
from domain.rat.roles import may_see
from domain.rat.validation import MAX_MEMBERS, MODES
from locales import N_, Catalogues
from locales.labels import ITEM_STATE_KEYS, RAT_MODE_KEYS
from services.rat_report import Context, Saved, record
from services.rat_status import first_seen_terms, load_status, status_after
from services.roles import viewer_of
from storage.uow import UnitOfWork

NAME = "lapor"
COMMAND = None  # started by the /lapor menu's buttons (handlers.lapor)
YES_NO = [Option("y", N_("lapor.yes")), Option("n", N_("lapor.no"))]
EVIDENCE = [Option("y", N_("lapor.evidence.send")), Option("n", N_("lapor.evidence.skip"))]
# The first step of each target (an item's is "state").
FIRST_STEPS = {
    PLAN: "planned",
    INVITE: "invite",
    MATERIALS: "materials",
    HELD: "held",
    MINUTES: "minutes",
    REPORTED: "reported",
    ODS: "ods",
}
# Items whose evidence is a signed paper: the prompt suggests sending it as a file.
FILE_ITEMS = frozenset({"A4"})
# What is said when a change was not recorded (no card follows).
NOT_SAVED = {
    Saved.NOT_ALLOWED: N_("auth.not_allowed"),
    Saved.NO_CYCLE: N_("lapor.no_cycle"),
    Saved.UNCHANGED: N_("lapor.unchanged"),
}


def _ctx(answers: Answers) -> dict[str, Any]:
    found = answers.get(CTX)
    return found if isinstance(found, dict) else {}


def _after_note(answers: Answers) -> str | None:
    """Evidence is asked unless the cooperative reports elsewhere (KDKMP)."""
    return "want_evidence" if _ctx(answers).get("evidence", True) else None


def _after_want(answers: Answers) -> str | None:
    if answers.get("want_evidence") != "y":
        return None
    return "evidence_file" if _ctx(answers).get("target") in FILE_ITEMS else "evidence"


def _after_shu(answers: Answers) -> str | None:
    """The amount only when an SHU distribution was decided."""
    return "shu_amount" if answers.get("shu") == "y" else "elections"


# The RAT-held steps after its date, in order (then SHU amount, elections).
HELD_STEPS = ("held", "registered", "present", "lpj", "statements", "rapb", "shu")


def _unanswered_after(step_id: str) -> NextStep:
    """The next RAT-held step not answered yet: in a fresh sub-flow simply the next one; in a
    resumed draft whose stale answer was asked again, back to where the draft stopped (the
    answers kept are not asked twice)."""

    def following(answers: Answers) -> str | None:
        for later in HELD_STEPS[HELD_STEPS.index(step_id) + 1 :]:
            if later not in answers:
                return later
        if answers.get("shu") == "y" and "shu_amount" not in answers:
            return "shu_amount"
        return "elections"

    return following


def _date_step(step_id: str, prompt: str, next_step: str | NextStep | None = None) -> Step:
    return Step(step_id, prompt, InputKind.DATE, validate=check_date, next=next_step)


def _yes_no(step_id: str, prompt: str, next_step: str | NextStep | None) -> Step:
    return Step(step_id, prompt, InputKind.CHOICE, YES_NO, next=next_step)


async def _complete(
    uow: UnitOfWork, run: FormRun, catalogues: Catalogues
) -> Reply | ShowStatusCard:
    """Records the change and shows the card; says why when it could not be recorded."""
    ctx = _ctx(run.answers)
    koperasi_id = int(ctx["koperasi_id"])
    viewer = run.viewer
    if viewer is None and run.person_id is not None:  # an album closed by its timer
        person = await uow.people.get(run.person_id)
        viewer = await viewer_of(uow, person, run.chat_id) if person is not None else None
    if viewer is None:
        return Reply(N_("auth.not_allowed"))
    if run.policy is None:
        return Reply(N_("lapor.no_cycle"))
    # The day it completes on: a draft resumed days later is recorded (and its stage and
    # flags recomputed) for today, and its dates checked again against today.
    today = completion_day(run.answers, run.now)
    context = Context(run.policy, today, run.now, catalogues)
    try:
        recorded = await record(uow, viewer, change_of(koperasi_id, run.answers, run.now), context)
    except InputError as error:  # the cycle changed meanwhile: say why, nothing recorded
        return Reply(error.key, dict(error.params))
    if recorded.saved in NOT_SAVED:  # the same value again: no history, and no card again
        return Reply(NOT_SAVED[recorded.saved])
    key = N_("lapor.saved")
    if run.answers.get("elections") == "y":
        key = N_("lapor.saved_elections")  # new board members: confirm who sits on the board
    # The card as this change leaves it, from the change's own reads (shown with the reply
    # as one message); the terms its reader sees first are recorded as seen with the change.
    card = None
    if recorded.after is not None:
        card = await status_after(uow, recorded.after, run.policy, today)
    if card is None:
        card = await load_status(uow, koperasi_id, run.policy, today)
    if card is not None and not may_see(viewer, koperasi_id, card.petugas_id):
        card = None  # recorded by someone who may not see the card: not shown, nothing seen
    terms: tuple[str, ...] = ()
    if card is not None and viewer.person_id is not None:
        # The terms seen were read with the change's lock (the same person: the viewer).
        seen = recorded.after.terms_seen if recorded.after is not None else None
        terms = await first_seen_terms(uow, viewer.person_id, card, run.now, seen)
    # After elections the board check follows the card (`handlers.board_check`).
    elections = run.answers.get("elections") == "y"
    return ShowStatusCard(Reply(key), koperasi_id, card, terms, confirm_board=elections)


def form(catalogues: Catalogues) -> FormSpec:
    """The /lapor sub-flows as one form whose first step the menu sets."""

    async def complete(uow: UnitOfWork, run: FormRun) -> Reply | ShowStatusCard:
        return await _complete(uow, run, catalogues)

    states = [Option(state, ITEM_STATE_KEYS[state]) for state in ITEM_STATES]
    modes = [Option(mode, RAT_MODE_KEYS[mode]) for mode in MODES]
    return FormSpec(
        name=NAME,
        code="l",
        steps=steps(
            Step("state", N_("lapor.prompt.state"), InputKind.CHOICE, states, next="note"),
            Step(
                "note", N_("lapor.prompt.note"), InputKind.TEXT, max_length=500, next=_after_note
            ),
            Step(
                "want_evidence",
                N_("lapor.prompt.want_evidence"),
                InputKind.CHOICE,
                EVIDENCE,
                next=_after_want,
            ),
            Step("evidence", N_("lapor.prompt.evidence"), InputKind.ALBUM),
            Step("evidence_file", N_("lapor.prompt.evidence_file"), InputKind.ALBUM),
            _date_step("planned", N_("lapor.prompt.planned"), "mode"),
            Step("mode", N_("lapor.prompt.mode"), InputKind.CHOICE, modes),
            _date_step("invite", N_("lapor.prompt.invite")),
            _date_step("materials", N_("lapor.prompt.materials")),
            _date_step("held", N_("lapor.prompt.held"), _unanswered_after("held")),
            Step(
                "registered",
                N_("lapor.prompt.registered"),
                InputKind.NUMBER,
                minimum=1,
                maximum=MAX_MEMBERS,
                next=_unanswered_after("registered"),
            ),
            Step(
                "present",
                N_("lapor.prompt.present"),
                InputKind.NUMBER,
                minimum=0,
                maximum=MAX_MEMBERS,
                validate=check_present,
                next=_unanswered_after("present"),
            ),
            _yes_no("lpj", N_("lapor.prompt.lpj"), _unanswered_after("lpj")),
            _yes_no("statements", N_("lapor.prompt.statements"), _unanswered_after("statements")),
            _yes_no("rapb", N_("lapor.prompt.rapb"), _unanswered_after("rapb")),
            _yes_no("shu", N_("lapor.prompt.shu"), _after_shu),
            Step(
                "shu_amount",
                N_("lapor.prompt.shu_amount"),
                InputKind.TEXT,
                max_length=40,
                validate=check_rupiah,
                store=store_rupiah,
                next="elections",
            ),
            _yes_no("elections", N_("lapor.prompt.elections"), None),
            Step("minutes", N_("lapor.prompt.minutes"), InputKind.ALBUM),
            _date_step("reported", N_("lapor.prompt.reported")),
            _date_step("ods", N_("lapor.prompt.ods")),
        ),
        first_step="state",
        complete=complete,
        subject_required=True,
    )
