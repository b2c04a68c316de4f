"""Long lists page under Telegram's limits (4,096 characters a message), never cut inside markup."""

from datetime import UTC, datetime

from domain.lifecycle import Action
from messages.markup import MESSAGE_LIMIT, html_problem, visible_length
from tests.conftest import ADMIN_ID
from tests.fakes import FakeUser, Harness
from tests.seeding import permit

LONG_NAME = "کارشناس مشاغل خانگی با نامی بسیار طولانی"  # 41 characters, near Telegram's 64


def well_formed(text: str) -> bool:
    return visible_length(text) <= MESSAGE_LIMIT and html_problem(text) is None


async def every_page(person: FakeUser) -> list[str]:
    """The list's first page (just sent), then ▶ until the pages come round again; each page's text."""
    first = person.last_text
    pages = [first]
    for _ in range(100):
        await person.click("▶")
        if person.last_text == first:
            return pages
        pages.append(person.last_text)
    raise AssertionError("the pages never came round")


async def test_officers_page_with_names_and_every_officer_shown_once(bot: Harness) -> None:
    provinces = [p.code for p in await bot.store.list_provinces()]
    for number in range(400):
        officer_id = 700_000 + number
        await bot.store.set_officer(officer_id, provinces[number % len(provinces)], ADMIN_ID, "fa")
        await bot.store.remember_name(officer_id, f"{LONG_NAME} {number}")
    admin = bot.user(ADMIN_ID)
    await admin.send("/officers")
    pages = await every_page(admin)
    assert len(pages) > 1 and all(well_formed(page) for page in pages)
    assert "صفحه ۱ از" in pages[0]
    shown = " ".join(pages)
    for number in range(400):
        assert f"({700_000 + number})" in shown and f"{LONG_NAME} {number}" in shown


async def test_channels_page(bot: Harness) -> None:
    scopes = ["all", *[p.code for p in await bot.store.list_provinces()]]
    for number, scope in enumerate(scopes):
        channel = await bot.store.set_channel(scope, -100_000_000_000 - number,
                                              f"کانال آمار مشاغل خانگی <{number}> " * 3, "fa", ADMIN_ID)
        await bot.store.mark_channel(channel, "Forbidden: bot is not a member of the channel chat & more " * 4)
    admin = bot.user(ADMIN_ID)
    await admin.send("/channels")
    pages = await every_page(admin)
    assert len(scopes) == 32 and len(pages) > 1 and all(well_formed(page) for page in pages)
    shown = " ".join(pages)
    assert all(f"&lt;{number}&gt;" in shown for number in range(32))


async def test_status_of_many_applications_pages(bot: Harness) -> None:
    categories = [c.name_fa for c in await bot.store.list_categories()]
    for name in categories * 2:
        await permit(bot.store.path, datetime.now(UTC), "IR-15", name, "independent", 2, user_id=1001,
                     actions=(Action.WITHDRAW,))
    applicant = bot.user(1001)
    await applicant.send("/status")
    pages = await every_page(applicant)
    assert len(pages) > 1 and all(well_formed(page) for page in pages)
    shown = " ".join(pages)
    assert all(f"<b>{name}</b>" in shown for name in categories)


async def test_categories_page_whole_and_well_formed(bot: Harness) -> None:
    admin = bot.user(ADMIN_ID)
    for number in range(150):
        await admin.send(f"/addcategory handicrafts; رشته آزمایشی شماره {number} <{number}>; Test craft {number}")
    await admin.send("/categories")
    pages = await every_page(admin)
    assert len(pages) > 1 and all(well_formed(page) for page in pages)
    shown = " ".join(pages)
    assert all(f"رشته آزمایشی شماره {number} &lt;{number}&gt;" in shown for number in range(150))
    await admin.send("/categories handicrafts")  # one sector, paged the same way
    assert all(well_formed(page) for page in await every_page(admin))


async def test_only_admins_turn_admin_pages(bot: Harness) -> None:
    for number in range(100):
        await bot.store.set_officer(700_000 + number, "IR-15", ADMIN_ID, "fa")
        await bot.store.remember_name(700_000 + number, LONG_NAME)
    admin = bot.user(ADMIN_ID)
    await admin.send("/officers")
    stranger = bot.user(4242)
    await stranger.press("v1:pg:officers::2", admin.latest_inline_message())
    assert "اجازه" in bot.rec.last("answerCallbackQuery").params["text"]
    assert not [call for call in stranger.calls if call.method == "editMessageText"]
