"""Retention: the personal fields of applications closed long ago are erased; what the statistics need stays."""

from datetime import datetime

from domain.lifecycle import FINAL_STAGES
from storage.base import StoreBase, stored_time

_FINAL = ", ".join(f"'{stage.value}'" for stage in sorted(FINAL_STAGES))

# The table's checks (length, mobile pattern, NOT NULL) predate retention, so erased fields get neutral
# values that pass them: a national ID starting with 'x' (unique per row, for the one-open-per-category
# index) can never equal a typed, validated one, so an erased application blocks nobody and matches nobody.
_ERASE = (
    "UPDATE applications SET full_name = '', national_id = 'x' || printf('%09d', id), birth_date = '1900-01-01',"
    " mobile = '09000000000', address = '', postal_code = '0000000000', erased_at = :now"
    f" WHERE erased_at IS NULL AND stage IN ({_FINAL}) AND updated_at < :cutoff"
)


class RetentionStore(StoreBase):
    async def erase_personal_data(self, years: int) -> int:
        """Erase name, national ID, birth date, mobile, address and postal code of applications closed more
        than `years` ago (their last change: the closing one); category, track, province, dates, stage,
        amounts and workers stay. Audited with the count only; returns how many were erased."""
        cutoff = _years_before(self._clock(), years)
        now = self._now()
        async with self._transaction() as db:
            cursor = await db.execute(_ERASE, {"now": now, "cutoff": stored_time(cutoff)})
            erased = int(cursor.rowcount)
            # Their covered workers' names, national IDs and mobiles go with them (the roster's rows and statuses
            # stay, for the figures).
            await db.execute(
                "UPDATE covered_workers SET full_name = '', national_id = 'x' || printf('%09d', id),"
                " holder_national_id = '', mobile = '09000000000', active = 0"
                " WHERE application_id IN (SELECT id FROM applications WHERE erased_at = ?)", (now,))
            # The /find index holds the names too (storage/name_index_store.py).
            await db.execute("DELETE FROM name_tokens WHERE application_id IN"
                             " (SELECT id FROM applications WHERE erased_at = ?)", (now,))
            if erased:
                await self._audit(None, None, "erase_personal_data",
                                  detail={"applications": erased, "retention_years": years})
        return erased


def _years_before(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February in a year that has none
        return moment.replace(year=moment.year - years, day=28)
