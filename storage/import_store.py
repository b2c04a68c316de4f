"""Bulk import of applications with their history (provincial records, demo data, benchmarks).

One transaction for the lot; permit numbers, queue order and counters are made exactly as the bot makes
them, each application gets an 'import' audit row, and nobody is messaged (it is history, not news).
"""

from collections.abc import Iterable
from datetime import timedelta

from persiantools.jdatetime import JalaliDate

from domain.lifecycle import FAILED_AT, PROGRESS, Stage
from domain.permit import permit_number, validity_end
from storage.application_store import ApplicationStore
from storage.base import stored_time
from storage.records import ImportedApplication

# Columns set when each progress step is reached.
_STEP_COLUMN = {Stage.SUPERVISED: "supervised_at", Stage.ELIGIBLE: "eligible_at", Stage.QUEUED: "queued_at",
                Stage.INTRODUCED_TO_BANK: "introduced_at", Stage.LOAN_PAID: "loan_paid_at"}
_COLUMNS = ("user_id", "category_id", "track", "full_name", "national_id", "birth_date", "mobile", "province_code",
            "city", "address", "postal_code", "education", "workers", "experience_years", "own_share_percent",
            "stage", "permit_number", "issued_at", "issued_month", "valid_until", "supervised_at", "eligible_at",
            "rejected_at",
            "queued_at", "queue_seq", "introduced_at", "bank", "loan_paid_at", "loan_amount_rials",
            "bank_rejected_at", "closed_at", "reason", "updated_at")


class ImportStore(ApplicationStore):
    async def import_applications(self, records: Iterable[ImportedApplication], number_format: str,
                                  validity_years: int, actor_id: int | None = None, batch: int = 20_000) -> int:
        """Insert the records (in issue order for queue fairness); returns how many."""
        count = 0
        async with self._transaction() as db:
            last_id = await self._last_application_id()
            # Counters are kept in memory for the import and written back once: two round trips per row less.
            counters = {str(row["name"]): int(row["value"]) for row in await db.execute_fetchall(
                "SELECT name, value FROM counters")}
            rows: list[tuple[object, ...]] = []
            users: set[int] = set()
            for record in records:
                rows.append(self._row(record, number_format, validity_years, counters))
                users.add(record.request.user_id)
                if len(rows) >= batch:
                    count += await self._flush(rows, users)
            count += await self._flush(rows, users)
            await self._index_names_after(last_id)
            await db.executemany(
                "INSERT INTO counters (name, value) VALUES (?, ?)"
                " ON CONFLICT (name) DO UPDATE SET value = excluded.value", list(counters.items()))
            await self.rebuild_summaries()
            await self._audit(None, actor_id, "import", detail={"applications": count})
            await db.execute(
                "INSERT INTO audit_log (at, actor_id, action, application_id, to_stage)"
                " SELECT issued_at, ?, 'import', id, stage FROM applications"
                " WHERE id NOT IN (SELECT application_id FROM audit_log WHERE application_id IS NOT NULL)",
                (actor_id,),
            )
        return count

    def _row(self, record: ImportedApplication, number_format: str, validity_years: int,
             counters: dict[str, int]) -> tuple[object, ...]:
        form = record.request
        issued_day = JalaliDate.to_jalali(record.issued_at.astimezone(self._tz).date())
        seq = _next(counters, f"permit:{form.province_code}:{issued_day.year}")
        times: dict[str, str | None] = dict.fromkeys(("supervised_at", "eligible_at", "rejected_at", "queued_at",
                                                      "introduced_at", "loan_paid_at", "bank_rejected_at", "closed_at"))
        reached = FAILED_AT.get(record.stage, record.stage)
        steps = PROGRESS[1:PROGRESS.index(reached) + (0 if record.stage in FAILED_AT else 1)] \
            if reached in PROGRESS else ()  # withdrawn, revoked, expired: closed straight after the permit
        moment = record.issued_at
        for step in steps:
            moment += timedelta(days=record.days_per_step)
            times[_STEP_COLUMN[step]] = stored_time(moment)
        if record.stage not in PROGRESS:  # the step that ended it
            moment += timedelta(days=record.days_per_step)
            column = {Stage.REJECTED: "rejected_at", Stage.BANK_REJECTED: "bank_rejected_at"}.get(record.stage,
                                                                                                "closed_at")
            times[column] = stored_time(moment)
        queue_seq = _next(counters, f"queue:{form.province_code}") if record.stage == Stage.QUEUED else None
        return (
            form.user_id, form.category_id, form.track, form.full_name, form.national_id, form.birth_date.isoformat(),
            form.mobile, form.province_code, form.city, form.address, form.postal_code, form.education, form.workers,
            form.experience_years, form.own_share_percent, record.stage.value,
            permit_number(number_format, form.province_code, issued_day.year, seq), stored_time(record.issued_at),
            f"{issued_day.year:04d}-{issued_day.month:02d}",
            validity_end(issued_day, validity_years).to_gregorian().isoformat(), times["supervised_at"],
            times["eligible_at"], times["rejected_at"], times["queued_at"], queue_seq, times["introduced_at"],
            record.bank, times["loan_paid_at"], record.loan_amount_rials, times["bank_rejected_at"],
            times["closed_at"], record.reason, stored_time(moment),
        )

    async def _flush(self, rows: list[tuple[object, ...]], users: set[int]) -> int:
        now = self._now()
        await self.db.executemany(
            "INSERT INTO users (telegram_id, created_at, updated_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            [(user_id, now, now) for user_id in users],
        )
        marks = ", ".join("?" for _ in _COLUMNS)
        await self.db.executemany(f"INSERT INTO applications ({', '.join(_COLUMNS)}) VALUES ({marks})", rows)
        flushed = len(rows)
        rows.clear()
        users.clear()
        return flushed


def _next(counters: dict[str, int], name: str) -> int:
    counters[name] = counters.get(name, 0) + 1
    return counters[name]
