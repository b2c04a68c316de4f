"""An application's lifecycle as one explicit state machine (DOMAIN.md §1).

permit_issued → supervised | rejected (supervision failed) → eligible | rejected → queued → introduced_to_bank
→ loan_paid | bank_rejected;
the applicant may withdraw an open application; officers may revoke any; the validity timer expires it;
officers may void one whose national ID another account claims (the squatter's place is given back).
Where a province runs the new development model, queueing also waits for the applicant's training (a hold,
below), which an officer may waive with a reason.
"""

from enum import StrEnum


class Stage(StrEnum):
    PERMIT_ISSUED = "permit_issued"
    SUPERVISED = "supervised"
    ELIGIBLE = "eligible"
    REJECTED = "rejected"
    QUEUED = "queued"
    INTRODUCED_TO_BANK = "introduced_to_bank"
    LOAN_PAID = "loan_paid"
    BANK_REJECTED = "bank_rejected"
    WITHDRAWN = "withdrawn"
    REVOKED = "revoked"
    EXPIRED = "expired"
    VOIDED = "voided"


class Action(StrEnum):
    SUPERVISE = "supervise"
    FAIL_SUPERVISION = "fail_supervision"  # the visit found no business at the address: the application ends
    APPROVE = "approve"
    REJECT = "reject"
    QUEUE = "queue"
    INTRODUCE = "introduce"
    PAY_LOAN = "pay_loan"
    BANK_REJECT = "bank_reject"
    WITHDRAW = "withdraw"
    REVOKE = "revoke"
    EXPIRE = "expire"
    VOID = "void"
    WAIVE_TRAINING = "waive_training"  # the officer lets an untrained applicant into the queue (with a reason)


class Hold(StrEnum):
    """What an action may wait for besides the stage: a province's rule about the applicant, not the case."""

    TRAINING = "training"  # training before the money: a completed required course of the application's sector


OPEN_STAGES = frozenset({Stage.PERMIT_ISSUED, Stage.SUPERVISED, Stage.ELIGIBLE, Stage.QUEUED,
                         Stage.INTRODUCED_TO_BANK})
# Closed: the application no longer holds its national ID's place (anyone may apply again).
CLOSED_STAGES = frozenset({Stage.WITHDRAWN, Stage.REVOKED, Stage.EXPIRED, Stage.VOIDED})
_NOT_CLOSED = frozenset(Stage) - CLOSED_STAGES
# Where an application's journey has ended (refused, paid, withdrawn, revoked, expired, …): every stage that is
# not open. Retention counts its years from reaching one of these.
FINAL_STAGES = frozenset(Stage) - OPEN_STAGES
# Not counted in the published figures: taken back, cancelled, or never rightfully anyone's.
UNCOUNTED_STAGES = frozenset({Stage.WITHDRAWN, Stage.REVOKED, Stage.VOIDED})
# Actions legal only while another account claims the application's national ID (a recorded dispute).
NEEDS_DISPUTE = frozenset({Action.VOID})

# action -> (stages it may start from, stage it leads to)
TRANSITIONS: dict[Action, tuple[frozenset[Stage], Stage]] = {
    Action.SUPERVISE: (frozenset({Stage.PERMIT_ISSUED}), Stage.SUPERVISED),
    Action.FAIL_SUPERVISION: (frozenset({Stage.PERMIT_ISSUED}), Stage.REJECTED),
    Action.APPROVE: (frozenset({Stage.SUPERVISED}), Stage.ELIGIBLE),
    Action.REJECT: (frozenset({Stage.SUPERVISED}), Stage.REJECTED),
    Action.QUEUE: (frozenset({Stage.ELIGIBLE}), Stage.QUEUED),
    Action.INTRODUCE: (frozenset({Stage.QUEUED}), Stage.INTRODUCED_TO_BANK),
    Action.PAY_LOAN: (frozenset({Stage.INTRODUCED_TO_BANK}), Stage.LOAN_PAID),
    Action.BANK_REJECT: (frozenset({Stage.INTRODUCED_TO_BANK}), Stage.BANK_REJECTED),
    Action.WITHDRAW: (OPEN_STAGES, Stage.WITHDRAWN),
    Action.REVOKE: (_NOT_CLOSED, Stage.REVOKED),
    Action.EXPIRE: (_NOT_CLOSED, Stage.EXPIRED),
    # Every stage that still holds the national ID: a squatter's rejected application blocks it too.
    Action.VOID: (_NOT_CLOSED, Stage.VOIDED),
    # Keeps the stage; lifts the training hold (see LIFTS).
    Action.WAIVE_TRAINING: (frozenset({Stage.ELIGIBLE}), Stage.ELIGIBLE),
}
# Where the province asks for it, queueing waits for the applicant's training (the one place of this rule:
# the store refuses a held action, the officers' card shows what it waits for instead of its button)...
HELD_BY: dict[Action, Hold] = {Action.QUEUE: Hold.TRAINING}
# ...and the action that lifts each hold, legal only while the hold is on.
LIFTS: dict[Action, Hold] = {Action.WAIVE_TRAINING: Hold.TRAINING}

# The steps officers take from an application's card, in the order an application meets them.
OFFICER_STEPS = (Action.SUPERVISE, Action.FAIL_SUPERVISION, Action.APPROVE, Action.REJECT, Action.QUEUE,
                 Action.WAIVE_TRAINING, Action.INTRODUCE, Action.PAY_LOAN, Action.BANK_REJECT)
# Steps that refuse: each needs a reason, chosen from the presets (/reasons) or typed.
REFUSALS = (Action.FAIL_SUPERVISION, Action.REJECT, Action.BANK_REJECT)
# Steps an officer may take for every waiting application at once (/pending's «همه را انجام بده»): only those
# that need no judgement of the case, no reason and no amount. Queueing follows the order of eligibility.
BULK_SAFE = (Action.QUEUE,)
# Stages at which an application waits for an officer (the /pending list): those an officer step starts from.
# The one list of them: handlers, queries and the store's index are all built from this.
AWAITING_OFFICER = tuple(stage for stage in Stage
                         if any(stage in TRANSITIONS[action][0] for action in OFFICER_STEPS))

# What the applicant sees as progress, in order (/status).
PROGRESS = (Stage.PERMIT_ISSUED, Stage.SUPERVISED, Stage.ELIGIBLE, Stage.QUEUED, Stage.INTRODUCED_TO_BANK,
            Stage.LOAN_PAID)
# Where a refusal stops the progress line.
FAILED_AT = {Stage.REJECTED: Stage.ELIGIBLE, Stage.BANK_REJECTED: Stage.LOAN_PAID}


class IllegalTransition(ValueError):
    def __init__(self, stage: Stage, action: Action) -> None:
        super().__init__(f"{action} is not allowed from {stage}")
        self.stage = stage
        self.action = action


def next_stage(stage: Stage, action: Action) -> Stage:
    sources, target = TRANSITIONS[action]
    if stage not in sources:
        raise IllegalTransition(stage, action)
    return target


def legal_actions(stage: Stage, disputed: bool = False, holds: frozenset[Hold] = frozenset()) -> list[Action]:
    """What may happen now: legal from the stage, not held by one of `holds`, and a lifting action only
    while its hold is on."""
    return [action for action, (sources, _) in TRANSITIONS.items()
            if stage in sources and (disputed or action not in NEEDS_DISPUTE)
            and HELD_BY.get(action) not in holds and (action not in LIFTS or LIFTS[action] in holds)]


def held_actions(stage: Stage, holds: frozenset[Hold]) -> dict[Action, Hold]:
    """The actions the stage allows that wait for a hold now, and what each waits for."""
    return {action: HELD_BY[action] for action, (sources, _) in TRANSITIONS.items()
            if stage in sources and HELD_BY.get(action) in holds}


def training_holds(required: bool, trained: bool) -> frozenset[Hold]:
    """The training hold, where the province requires training and the applicant has neither completed a
    required course of the sector nor been waived."""
    return frozenset({Hold.TRAINING}) if required and not trained else frozenset()


def sql_list(stages: frozenset[Stage]) -> str:
    """Stages as an SQL list literal, "('revoked', 'withdrawn')": for queries written around these sets."""
    return "(" + ", ".join(f"'{stage.value}'" for stage in sorted(stages)) + ")"


def bulk_action(stage: Stage) -> Action | None:
    """The bulk-safe step legal from `stage`, if there is one."""
    return next((action for action in BULK_SAFE if stage in TRANSITIONS[action][0]), None)


def progress_marks(stage: Stage, closed_from: Stage | None = None,
                   trained: bool | None = None) -> list[tuple[Stage | Hold, str]]:
    """Each progress step marked 'done', 'current' (what happens next), 'failed', 'todo' (still ahead), or
    'not_reached' (never to happen: the application was refused, withdrawn, revoked, expired or voided).
    `closed_from`: for a closed application, the stage it was closed from (where its line stopped).
    `trained`: where the province requires training before the queue, whether the applicant has it (or a
    waiver); the training step then stands before the queue. None: no such step."""
    marks: list[tuple[Stage | Hold, str]] = list(_stage_marks(stage, closed_from))
    if trained is None:
        return marks
    at = PROGRESS.index(Stage.QUEUED)
    queue_mark = marks[at][1]
    if trained or queue_mark == "done":  # queued before the rule came in: nothing to add
        training = "done"
    elif queue_mark == "current":
        training, marks[at] = "current", (Stage.QUEUED, "todo")
    else:
        training = queue_mark
    marks.insert(at, (Hold.TRAINING, training))
    return marks


def _stage_marks(stage: Stage, closed_from: Stage | None = None) -> list[tuple[Stage, str]]:
    if stage in FAILED_AT:
        failed = PROGRESS.index(FAILED_AT[stage])
        return [(step, "done" if i < failed else "failed" if i == failed else "not_reached")
                for i, step in enumerate(PROGRESS)]
    if stage not in PROGRESS:  # withdrawn, revoked, expired, voided: the line stops where it was
        if closed_from in FAILED_AT:
            return _stage_marks(closed_from)
        stopped = PROGRESS.index(closed_from) if closed_from in PROGRESS else 0  # the permit, at least, was issued
        return [(step, "done" if i <= stopped else "not_reached") for i, step in enumerate(PROGRESS)]
    reached = PROGRESS.index(stage)
    return [(step, "done" if i <= reached else "current" if i == reached + 1 else "todo")
            for i, step in enumerate(PROGRESS)]
