"""A complete applicant journey, step by step, in either language (used by several test modules)."""

from dataclasses import dataclass

from tests.fakes import FakeUser


@dataclass(frozen=True)
class Answers:
    sector: str = "صنایع دستی"
    category: str = "گلیم‌بافی"
    track: str = "🧑‍🔧 مستقل"
    full_name: str = "مریم احمدی"
    national_id: str = "۰۴۹۹۳۷۰۸۹۹"
    birth_date: str = "۱۳۷۰/۰۶/۲۵"
    mobile: str = "09123456789"
    province: str = "لرستان"
    city: str = "خرم‌آباد"
    address: str = "خیابان امام، کوچه ۵، پلاک ۱۲"
    postal_code: str = "۶۸۱۳۷-۱۴۶۵۳"
    education: str = "دیپلم"
    workers: str = "۳"
    confirm: str = "✅ تأیید و دریافت مجوز"
    experience_years: str | None = None  # the support plan's two questions after the track, when given
    own_share_percent: str | None = None


ENGLISH = Answers(
    sector="Handicrafts", category="Kilim weaving", track="🧑‍🔧 Independent", full_name="مریم احمدی",
    national_id="0790419904", birth_date="1365/01/15", mobile="+98 912 000 1122", province="Tehran",
    city="Tehran", address="12 Fifth Alley, Imam Street", postal_code="1939546973", education="Bachelor's degree",
    workers="2", confirm="✅ Confirm and get my permit",
)


async def fill_form(user: FakeUser, answers: Answers = Answers(), stop_before: str | None = None) -> None:
    """Walk the form from /apply to the review (or stop before the named step)."""
    steps = [
        ("sector", lambda: user.click(answers.sector)),
        ("category", lambda: user.send(answers.category)),
        ("category_pick", lambda: user.click(answers.category)),
        ("track", lambda: user.click(answers.track)),
        *([("experience_years", lambda: user.send(str(answers.experience_years))),
           ("own_share_percent", lambda: user.send(str(answers.own_share_percent)))]
          if answers.experience_years is not None else []),
        ("full_name", lambda: user.send(answers.full_name)),
        ("national_id", lambda: user.send(answers.national_id)),
        ("birth_date", lambda: user.send(answers.birth_date)),
        ("mobile", lambda: user.send_contact(answers.mobile)),  # only a shared contact is accepted
        ("province", lambda: user.send(answers.province)),
        ("city", lambda: user.send(answers.city)),
        ("address", lambda: user.send(answers.address)),
        ("postal_code", lambda: user.send(answers.postal_code)),
        ("education", lambda: user.click(answers.education)),
        ("workers", lambda: user.send(answers.workers)),
    ]
    await user.send("/apply")
    for name, step in steps:
        if name == stop_before:
            return
        await step()


async def complete_journey(user: FakeUser, answers: Answers = Answers()) -> None:
    await fill_form(user, answers)
    await user.click(answers.confirm)
