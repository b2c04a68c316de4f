"""An application's lifecycle as one explicit state machine (DOMAIN.md §1).

permit_issued → supervised → eligible | rejected → queued → introduced_to_bank → loan_paid | bank_rejected;
the applicant may withdraw an open application; officers may revoke any; the validity timer expires it;
officers may void one whose national ID another account claims (the squatter's place is given back).
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
}

# The steps officers take from an application's card, in the order an application meets them.
OFFICER_STEPS = (Action.SUPERVISE, Action.APPROVE, Action.REJECT, Action.QUEUE, Action.INTRODUCE, Action.PAY_LOAN,
                 Action.BANK_REJECT)
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


def legal_actions(stage: Stage, disputed: bool = False) -> list[Action]:
    return [action for action, (sources, _) in TRANSITIONS.items()
            if stage in sources and (disputed or action not in NEEDS_DISPUTE)]


def sql_list(stages: frozenset[Stage]) -> str:
    """Stages as an SQL list literal, "('revoked', 'withdrawn')": for queries written around these sets."""
    return "(" + ", ".join(f"'{stage.value}'" for stage in sorted(stages)) + ")"


def progress_marks(stage: Stage) -> list[tuple[Stage, str]]:
    """Each progress step marked 'done', 'current' (what happens next), 'failed' or 'todo'."""
    if stage in FAILED_AT:
        failed = PROGRESS.index(FAILED_AT[stage])
        return [(step, "done" if i < failed else "failed" if i == failed else "todo")
                for i, step in enumerate(PROGRESS)]
    if stage not in PROGRESS:  # withdrawn, revoked, expired, voided: the line stops where it was
        return [(step, "todo") for step in PROGRESS]
    reached = PROGRESS.index(stage)
    return [(step, "done" if i <= reached else "current" if i == reached + 1 else "todo")
            for i, step in enumerate(PROGRESS)]
