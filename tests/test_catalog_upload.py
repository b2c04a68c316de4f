"""An admin's catalog CSV: size, line count and field length are bounded; names are normalised as /addcategory
normalises them; every refusal names its line, and a refused file changes nothing."""

from tests.conftest import ADMIN_ID
from tests.fakes import Harness

HEADER = "sector_code,sector_fa,sector_en,category_fa,category_en,needs_extra_approval\n"
ROW = "handicrafts,صنایع دستی,Handicrafts,{name},Craft {n},0\n"


async def refused(bot: Harness, content: str, line: int) -> None:
    admin = bot.user(ADMIN_ID)
    before = await bot.store.list_categories(include_inactive=True)
    await admin.send_document("categories.csv", content.encode())
    persian_line = str(line).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert "هیچ چیز تغییر نکرد" in admin.last_text and f"خط {persian_line}:" in admin.last_text, admin.last_text
    assert await bot.store.list_categories(include_inactive=True) == before


async def test_a_200_kb_field_is_refused_with_its_line(bot: Harness) -> None:
    await refused(bot, HEADER + ROW.format(name="قالیبافی", n=1) + ROW.format(name="\"" + "ب" * 200_000 + "\"", n=2),
                  3)


async def test_a_field_over_120_characters_is_refused(bot: Harness) -> None:
    await refused(bot, HEADER + ROW.format(name="ب" * 121, n=1), 2)


async def test_more_than_5000_lines_are_refused(bot: Harness) -> None:
    rows = "".join(ROW.format(name=f"رشته {n}", n=n) for n in range(5_001))
    await refused(bot, HEADER + rows, 5_001)


async def test_a_file_over_a_megabyte_is_refused_whatever_its_announced_size(bot: Harness) -> None:
    admin = bot.user(ADMIN_ID)
    before = await bot.store.list_categories(include_inactive=True)
    await admin.send_document("categories.csv", (HEADER + ROW.format(name="ب" * 100, n=1) * 9_000).encode())
    assert "۱ مگابایت" in admin.last_text
    assert await bot.store.list_categories(include_inactive=True) == before


async def test_names_are_normalised_as_addcategory_does(bot: Harness) -> None:
    admin = bot.user(ADMIN_ID)
    await admin.send_document("categories.csv", (HEADER + ROW.format(name="قالی\x00بافی\u202e  ريز", n=1)).encode())
    assert "جایگزین شد" in admin.last_text
    names = {c.name_fa for c in await bot.store.list_categories()}
    assert names == {"قالیبافی ریز"}
