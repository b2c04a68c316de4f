"""Realistic, clearly fake applications: the demo's sample data and the benchmark's national-scale load.

Provinces get very different shares (Tehran and Razavi Khorasan large, Ilam small), categories follow a
long tail, every stage and both tracks appear, issue dates spread over several years. Names come from
common Persian names; national IDs start with 00 (no issuing office has such a code) yet pass the checksum,
and mobiles start with 0999 000, so no value can belong to a real person.
"""

import random
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta

from domain.lifecycle import Stage
from storage.records import ImportedApplication, PermitRequest

FIRST_NAMES = ("مریم", "زهرا", "فاطمه", "سارا", "نرگس", "لیلا", "معصومه", "الهام", "علی", "رضا", "حسین", "محمد",
               "مهدی", "امیر", "حمید", "جواد")
LAST_NAMES = ("احمدی", "کریمی", "رضایی", "موسوی", "حسینی", "محمدی", "جعفری", "نوری", "قاسمی", "صادقی", "رحیمی",
              "یوسفی", "کاظمی", "میرزایی")
# Rough population weights by province code (IR-00 … IR-30): large provinces apply more.
PROVINCE_WEIGHTS = {
    "IR-23": 14.0, "IR-09": 6.5, "IR-10": 5.3, "IR-07": 5.0, "IR-06": 4.8, "IR-03": 4.0, "IR-02": 3.4,
    "IR-04": 3.3, "IR-08": 3.2, "IR-11": 2.8, "IR-30": 2.7, "IR-01": 2.6, "IR-05": 2.0, "IR-27": 1.9, "IR-13": 1.8,
    "IR-12": 1.7, "IR-15": 1.8, "IR-00": 1.5, "IR-26": 1.3, "IR-24": 1.3, "IR-25": 1.3, "IR-21": 1.2, "IR-19": 1.1,
    "IR-22": 1.8, "IR-18": 1.2, "IR-28": 0.9, "IR-14": 0.9, "IR-29": 0.8, "IR-17": 0.7, "IR-20": 0.7, "IR-16": 0.6,
}
CITIES = {"IR-23": "تهران", "IR-15": "خرم‌آباد", "IR-09": "مشهد", "IR-10": "اصفهان", "IR-07": "شیراز"}
# Where applications stand: most wait for supervision or eligibility; a few reach the loan.
STAGE_WEIGHTS = {
    Stage.PERMIT_ISSUED: 30, Stage.SUPERVISED: 18, Stage.ELIGIBLE: 9, Stage.REJECTED: 5, Stage.QUEUED: 14,
    Stage.INTRODUCED_TO_BANK: 8, Stage.LOAN_PAID: 12, Stage.BANK_REJECTED: 2, Stage.WITHDRAWN: 2,
}
EDUCATION = ("below_diploma", "diploma", "diploma", "associate", "bachelor", "bachelor", "master")
BANKS = ("melli", "tejarat", "refah", "saderat", "tosee_taavon")


def fake_national_id(serial: int) -> str:
    """A checksum-valid national ID starting 00 (no issuing office has such a code), unique up to 10 million."""
    body = f"00{serial % 9_999_999 + 1:07d}"  # never 000000000: all-equal digits are refused
    remainder = sum(int(body[i]) * (10 - i) for i in range(9)) % 11
    return body + str(remainder if remainder < 2 else 11 - remainder)


def sample_applications(count: int, category_ids: Sequence[int], now: datetime, *, first_user_id: int = 700_000_000,
                        years: int = 4, seed: int = 1405) -> Iterator[ImportedApplication]:
    """`count` applications in issue order, spread over the last `years` years."""
    rng = random.Random(seed)
    provinces, weights = zip(*PROVINCE_WEIGHTS.items(), strict=True)
    stages, stage_weights = zip(*STAGE_WEIGHTS.items(), strict=True)
    popularity = [1 / (rank + 1) ** 0.8 for rank in range(len(category_ids))]  # a long tail
    start = now - timedelta(days=365 * years)
    span = (now - start).total_seconds()
    for index in range(count):
        issued_at = start + timedelta(seconds=span * (index + rng.random()) / max(count, 1))
        province = rng.choices(provinces, weights)[0]
        stage = rng.choices(stages, stage_weights)[0]
        support = rng.random() < 0.12
        request = PermitRequest(
            user_id=first_user_id + index,
            category_id=rng.choices(category_ids, popularity)[0],
            track="support" if support else "independent",
            full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            national_id=fake_national_id(index),
            birth_date=date(rng.randint(1960, 2004), rng.randint(1, 12), rng.randint(1, 28)),
            mobile=f"0999000{index % 10_000:04d}",
            province_code=province,
            city=CITIES.get(province, "مرکز استان"),
            address="نشانی نمونه، کوچه آزمایش، پلاک ۱",
            postal_code=f"{1000000000 + index % 8_999_999_999}",
            education=rng.choice(EDUCATION),
            workers=rng.randint(5, 40) if support else rng.choice((1, 1, 1, 2, 2, 3, 4)),
            experience_years=rng.randint(5, 20) if support else None,
            own_share_percent=rng.randint(20, 60) if support else None,
        )
        reaches_bank = stage in (Stage.INTRODUCED_TO_BANK, Stage.LOAN_PAID, Stage.BANK_REJECTED)
        ceiling = 40_000_000_000 if support else 2_000_000_000
        yield ImportedApplication(
            request=request, stage=stage, issued_at=issued_at, days_per_step=rng.randint(3, 30),
            bank=rng.choice(BANKS) if reaches_bank else None,
            loan_amount_rials=rng.randrange(ceiling // 4, ceiling, 10_000_000) if stage == Stage.LOAN_PAID else None,
            reason="مدارک کامل نیست" if stage in (Stage.REJECTED, Stage.BANK_REJECTED) else None,
        )
