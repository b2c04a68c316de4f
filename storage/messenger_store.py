"""Which messenger the applicants are on: figures for the statistics (both messengers over one store)."""

from domain.identity import BALE_OFFSET
from storage.base import StoreBase
from storage.records import MessengerFigures


class MessengerStore(StoreBase):
    async def messenger_figures(self, province_code: str | None = None) -> MessengerFigures:
        """Applications by the messenger their applicant uses, in one province or (None) the whole country.

        A person's id says their messenger (domain/identity.py), so this reads the applications' own index."""
        [row] = await self.db.execute_fetchall(
            "SELECT coalesce(sum(CASE WHEN abs(a.user_id) < ? THEN 1 ELSE 0 END), 0) AS telegram,"
            " coalesce(sum(CASE WHEN abs(a.user_id) < ? THEN 0 ELSE 1 END), 0) AS bale"
            " FROM applications a WHERE CAST(? AS TEXT) IS NULL OR a.province_code = ?",
            (BALE_OFFSET, BALE_OFFSET, province_code, province_code),
        )
        return MessengerFigures(telegram=int(row["telegram"]), bale=int(row["bale"]))
