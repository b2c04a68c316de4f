"""The provincial showcase through the real Application: a holder's product post from the photos to the review,
the officers' decision, the channel post and its «گزارش» button, a buyer's report, withdrawal and take-down,
the weekly limit, and everything a person may send instead of what is asked."""

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from telegram import Sticker, User

from bot.config import Config
from bot.offline_api import ApiCall
from bot.platforms import CHAT_LINKS
from handlers.showcase import REPORTS_PER_DAY
from storage.records import ChannelPurpose, ContactKind, PostStatus, ShowcaseFigures, ShowcasePost
from tests.conftest import ADMIN_ID
from tests.fakes import FakeClock, FakeUser, Harness, running
from tests.journey import ENGLISH, Answers, complete_journey
from tests.seeding import next_national_id
from tests.seeding import permit as seeded_permit

HOLDER, OFFICER, SECOND_OFFICER, BUYER = 1001, 501, 502, 3003

FA = {"new": "➕ آگهی تازه", "done": "ادامه ➡️", "phone": "📞 شماره تلفن", "user": "👤 نام کاربری‌ام",
      "none": "🚫 هیچ‌کدام", "send": "✅ ارسال برای بررسی", "approve": "✅ تأیید و انتشار", "refuse": "❌ رد با دلیل",
      "down": "🗑 برداشتن آگهی", "withdraw": "↩️ پس گرفتن آگهی ۱", "yes": "بله، پس بگیر",
      "price_reason": "قیمت نادرست یا گمراه‌کننده است", "province": "لرستان"}
EN = {"new": "➕ New post", "done": "Continue ➡️", "phone": "📞 A phone number", "user": "👤 My username",
      "none": "🚫 Neither", "send": "✅ Send for review", "approve": "✅ Approve and publish",
      "refuse": "❌ Refuse with a reason", "down": "🗑 Take the post down", "withdraw": "↩️ Withdraw post 1",
      "yes": "Yes, withdraw it", "price_reason": "Wrong or misleading price", "province": "تهران"}


async def holder_with_permit(bot: Harness, lang: str = "fa", username: str | None = None) -> FakeUser:
    holder = bot.user(HOLDER, language_code=lang)
    holder.user = User(HOLDER, "مریم", is_bot=False, language_code=lang, username=username)
    await holder.send(f"/lang {lang}")
    await complete_journey(holder, ENGLISH if lang == "en" else Answers())
    return holder


async def officers(bot: Harness, province: str = "لرستان", *ids: int, lang: str = "fa") -> list[FakeUser]:
    admin = bot.user(ADMIN_ID)
    appointed = []
    for officer_id in ids or (OFFICER,):
        await admin.send(f"/addofficer {officer_id} {province}")
        appointed.append(bot.user(officer_id, "کارشناس"))
        await appointed[-1].send(f"/lang {lang}")
    return appointed


async def showcase_channel(bot: Harness, province: str = "لرستان", lang: str = "fa") -> int:
    admin = bot.user(ADMIN_ID)
    await admin.send(f"/setchannel {province} @showcase_demo {lang} showcase")
    code = "IR-15" if province == "لرستان" else "IR-23"
    channel = await bot.store.first_channel(code, ChannelPurpose.SHOWCASE)
    assert channel is not None, admin.last_text
    return channel.chat_id


async def write_post(holder: FakeUser, words: dict[str, str], name: str = "گلیم دستباف <b>دو در سه</b>",
                     price: str = "۲٬۵۰۰٬۰۰۰", contact: str = "phone", phone: str = "۰۹۱۲ ۳۴۵ ۶۷۸۹",
                     photos: int = 2) -> list[str]:
    """Start a post from /showcase and fill it to the review; returns the photos' file_ids."""
    await holder.send("/showcase")
    await holder.click(words["new"])
    file_ids = [await holder.send_photo() for _ in range(photos)]
    if photos < 3:
        await holder.click(words["done"])
    await holder.send(name)
    await holder.send(price)
    await holder.click(words[contact])
    if contact == "phone":
        await holder.send(phone)
    return file_ids


async def only_post(bot: Harness) -> ShowcasePost:
    posts, total = await bot.store.list_user_posts(HOLDER, 10)
    assert total == 1
    return posts[0]


def media_of(call: Any) -> list[dict[str, Any]]:
    media = call.params["media"]
    return json.loads(media) if isinstance(media, str) else media


def album_caption(call: ApiCall) -> str:
    """An album's caption as its reader sees it, written as Telegram's HTML (the view of Bale's Markdown too)."""
    return ApiCall("sendPhoto", media_of(call)[0], markdown=call.markdown).text


@pytest.mark.parametrize("lang", ["fa", "en"])
async def test_a_post_is_approved_posted_reported_and_withdrawn(bot: Harness, lang: str) -> None:
    words = FA if lang == "fa" else EN
    holder = await holder_with_permit(bot, lang)
    [officer, second] = await officers(bot, words["province"], OFFICER, SECOND_OFFICER, lang=lang)
    channel_id = await showcase_channel(bot, words["province"], lang)
    await bot.deliver()

    file_ids = await write_post(holder, words)
    review = bot.rec.last("sendMediaGroup", HOLDER)
    assert [item["media"] for item in media_of(review)] == file_ids
    preview = album_caption(review)
    assert "&lt;b&gt;دو در سه&lt;/b&gt;" in preview  # typed markup is shown, never obeyed
    assert ("۲٬۵۰۰٬۰۰۰ تومان" if lang == "fa" else "2,500,000 toman") in preview
    assert ("۰۹۱۲۳۴۵۶۷۸۹" if lang == "fa" else "09123456789") in preview
    await holder.click(words["send"])
    post = await only_post(bot)
    assert (post.status, post.photos, post.price_toman, post.contact) == (
        PostStatus.PENDING, tuple(file_ids), 2_500_000, "09123456789")
    assert post.name == "گلیم دستباف <b>دو در سه</b>"  # stored as typed

    await bot.deliver()
    for person in (officer, second):  # every officer of the province: the photos, then the card to decide on
        assert [item["media"] for item in media_of(bot.rec.last("sendMediaGroup", person.id))] == file_ids
        assert words["approve"] in person.inline_buttons() and words["refuse"] in person.inline_buttons()
        assert "مریم احمدی" in person.last_text
    await officer.click(words["approve"])
    await bot.deliver()

    album = bot.rec.last("sendMediaGroup", channel_id)
    assert [item["media"] for item in media_of(album)] == file_ids
    assert "&lt;b&gt;" in album_caption(album) and "مریم" not in album_caption(album)
    report_button = bot.rec.last("sendMessage", channel_id)
    [[button]] = report_button.params["reply_markup"]["inline_keyboard"]
    assert button["url"] == f"{CHAT_LINKS[bot.config.platform]}HomeBusinessTestBot?start=sr-{post.id}"
    assert ("گزارش" if lang == "fa" else "Report") in button["text"]
    post = await only_post(bot)
    assert post.status == PostStatus.APPROVED and len(post.channel_messages) == 3  # two photos and the button
    assert ("تأیید شد" if lang == "fa" else "was approved") in holder.last_text
    assert words["approve"] not in second.inline_buttons()  # the other officer's card says it is decided
    assert ("در کانال ویترین" if lang == "fa" else "in the showcase channel") in second.last_text

    buyer = bot.user(BUYER, "خریدار", language_code=lang)
    await buyer.send(f"/lang {lang}")
    await buyer.send(f"/start sr-{post.id}")
    await buyer.click(words["price_reason"])
    assert ("سپاس" if lang == "fa" else "Thank you") in buyer.last_text
    await bot.deliver()
    assert words["price_reason"] in officer.last_text and words["down"] in officer.inline_buttons()
    assert str(BUYER) not in officer.last_text  # the reporter stays unnamed

    await holder.send("/showcase")
    await holder.click(words["withdraw"])
    await holder.click(words["yes"])
    deleted = [int(call.params["message_id"]) for call in bot.rec.sent("deleteMessage", channel_id)]
    assert deleted == list(post.channel_messages)
    assert (await only_post(bot)).status == PostStatus.WITHDRAWN
    assert ("از کانال ویترین هم پاک شد" if lang == "fa" else "deleted from the showcase channel") in holder.last_text


async def test_the_username_is_offered_only_to_someone_who_has_one(bot: Harness) -> None:
    holder = await holder_with_permit(bot, username="maryam_kilim")
    await officers(bot)
    await write_post(holder, FA, contact="user")
    assert "@maryam_kilim" in album_caption(bot.rec.last("sendMediaGroup", HOLDER))
    await holder.click(FA["send"])
    assert (await only_post(bot)).contact == "@maryam_kilim"

    other = bot.user(1002)
    await complete_journey(other, Answers(national_id=next_national_id(), mobile="09120001122"))
    await other.send("/showcase")
    await other.click(FA["new"])
    await other.send_photo()
    await other.click(FA["done"])
    await other.send("مربای بالنگ")
    await other.send("120000")
    assert FA["user"] not in other.inline_buttons() and FA["none"] in other.inline_buttons()
    await other.click(FA["none"])
    caption = bot.rec.last("sendPhoto", 1002).text
    assert "سفارش" not in caption and "۱۲۰٬۰۰۰ تومان" in caption


async def test_one_post_a_week_counted_from_the_last_approved(config: Config) -> None:
    clock = FakeClock()
    async with running(config, clock) as bot:
        holder = await holder_with_permit(bot)
        [officer] = await officers(bot)
        await showcase_channel(bot)
        await write_post(holder, FA, contact="none")
        await holder.click(FA["send"])
        await holder.send("/showcase")
        await holder.click(FA["new"])
        assert "در انتظار بررسی" in holder.last_text  # one awaiting review at a time
        await bot.deliver()
        await officer.click(FA["approve"])
        clock.advance(days=3)
        await holder.send("/showcase")
        await holder.click(FA["new"])
        assert "هر هفته یک آگهی" in holder.last_text and "۱۴۰" in holder.last_text  # the Jalali date it is allowed
        assert await bot.store.get_step("showcase_post", HOLDER) is None
        clock.advance(days=4, minutes=1)
        await write_post(holder, FA, name="جاجیم", contact="none", photos=1)
        await holder.click(FA["send"])
        assert [p.status for p in (await bot.store.list_user_posts(HOLDER, 10))[0]] == [PostStatus.PENDING,
                                                                                       PostStatus.APPROVED]


async def test_a_refusal_needs_a_reason_the_holder_reads(bot: Harness) -> None:
    holder = await holder_with_permit(bot)
    [officer, second] = await officers(bot, "لرستان", OFFICER, SECOND_OFFICER)
    await write_post(holder, FA)
    await holder.click(FA["send"])
    await bot.deliver()
    await officer.click(FA["refuse"])
    assert "دلیل رد" in officer.last_text
    await officer.send("بد")  # too short: asked again, nothing decided
    assert (await only_post(bot)).status == PostStatus.PENDING
    await officer.send("عکس‌ها تار است؛ <i>عکس روشن‌تری</i> بفرستید")
    await bot.deliver()
    post = await only_post(bot)
    assert (post.status, post.reason) == (PostStatus.REFUSED, "عکس‌ها تار است؛ <i>عکس روشن‌تری</i> بفرستید")
    assert "تأیید نشد" in holder.last_text and "&lt;i&gt;" in holder.last_text
    assert FA["approve"] not in second.inline_buttons() and "❌ رد شد" in second.last_text
    await second.press(f"v1:sha:{post.id}:approve", second.latest_inline_message() if second.inline_buttons()
                       else {"message_id": 1, "date": 0, "chat": {"id": SECOND_OFFICER, "type": "private"}})
    assert "پیش‌تر تصمیم" in bot.rec.last("answerCallbackQuery").params["text"]
    assert not list(bot.rec.sent("sendMediaGroup", -1))  # nothing reached any channel


async def test_without_a_showcase_channel_the_officer_is_told_and_the_post_waits(bot: Harness) -> None:
    holder = await holder_with_permit(bot)
    [officer] = await officers(bot)
    await bot.user(ADMIN_ID).send("/setchannel لرستان @lorestan_stats")  # a statistics channel is not a showcase
    await write_post(holder, FA)
    await holder.click(FA["send"])
    await bot.deliver()
    await officer.click(FA["approve"])
    assert "کانال ویترین ثبت نشده" in officer.last_text and "/setchannel IR-15 @کانال showcase" in officer.last_text
    assert (await only_post(bot)).status == PostStatus.PENDING
    assert FA["approve"] in officer.inline_buttons()  # pressed again once the channel exists


async def test_an_officer_takes_a_reported_post_down(bot: Harness) -> None:
    holder = await holder_with_permit(bot)
    [officer] = await officers(bot)
    channel_id = await showcase_channel(bot)
    await write_post(holder, FA, photos=3)
    await holder.click(FA["send"])
    await bot.deliver()
    await officer.click(FA["approve"])
    await bot.deliver()
    post = await only_post(bot)
    buyers = [bot.user(BUYER + n) for n in range(2)]
    for buyer in buyers:
        await buyer.send(f"/start sr-{post.id}")
        await buyer.click(FA["price_reason"])
    await buyers[0].send(f"/start sr-{post.id}")
    await buyers[0].click("مشکل دیگر")
    assert "پیش‌تر گزارش کرده‌اید" in buyers[0].last_text  # once per person and post
    await bot.deliver()
    await officer.click(FA["down"])
    await officer.send("قیمت با بازار نمی‌خواند")
    await bot.deliver()
    assert [int(c.params["message_id"]) for c in bot.rec.sent("deleteMessage", channel_id)] == list(
        post.channel_messages)
    assert (await only_post(bot)).status == PostStatus.TAKEN_DOWN
    assert "برداشته شد" in holder.last_text and "قیمت با بازار نمی‌خواند" in holder.last_text
    await buyers[1].send(f"/start sr-{post.id}")
    assert "دیگر در ویترین نیست" in buyers[1].last_text


async def test_reports_are_rate_limited_per_person_and_the_figures_count_posts(bot: Harness) -> None:
    channel_id = await showcase_channel(bot)
    for n in range(REPORTS_PER_DAY + 1):  # a live post each, written straight through the store
        permit = await seeded_permit(bot.store.path, datetime.now(UTC), "IR-15", "گلیم‌بافی", "independent", 1,
                                     user_id=HOLDER + n)
        post = await bot.store.submit_showcase_post(HOLDER + n, permit.id, f"گلیم {n}", 1000, ContactKind.NONE,
                                                    None, ["p"], timedelta(days=7))
        await bot.store.decide_showcase_post(post.id, OFFICER, channel_id=channel_id)
    await bot.deliver()
    buyer = bot.user(BUYER)
    for post_id in range(1, REPORTS_PER_DAY + 2):
        await buyer.send(f"/start sr-{post_id}")
        await buyer.click(FA["price_reason"])
    assert "حداکثر ۵ گزارش" in buyer.last_text
    await bot.user(HOLDER).send("/showcase")
    await bot.user(HOLDER).click(FA["withdraw"])
    await bot.user(HOLDER).click(FA["yes"])
    assert await bot.store.showcase_figures("IR-15") == ShowcaseFigures("IR-15", REPORTS_PER_DAY + 1,
                                                                         REPORTS_PER_DAY + 1, REPORTS_PER_DAY)
    assert await bot.store.showcase_figures(None) == ShowcaseFigures(None, REPORTS_PER_DAY + 1, REPORTS_PER_DAY + 1,
                                                                      REPORTS_PER_DAY)
    assert await bot.store.showcase_figures("IR-23") == ShowcaseFigures("IR-23", 0, 0, 0)


async def test_what_is_not_a_photo_is_refused_clearly(bot: Harness) -> None:
    holder = await holder_with_permit(bot)
    await holder.send("/showcase")
    await holder.click(FA["new"])
    await holder.send_document("catalog.pdf", b"%PDF-1.4")
    assert "«پرونده»" in holder.last_text
    await holder.send_photo(width=8000, height=6000, file_size=9_000_000)
    assert "خیلی بزرگ" in holder.last_text
    await holder.send_message(sticker=Sticker("s1", "s1", 512, 512, False, False, Sticker.REGULAR))
    await holder.send("این هم عکس")
    assert "یک <b>عکس</b>" in holder.last_text
    assert FA["done"] not in holder.inline_buttons()
    await holder.press("v1:shf:done")  # an older message's button: still no photo, so no moving on
    assert "دست‌کم یک عکس" in bot.rec.last("answerCallbackQuery").params["text"]
    kept = await bot.store.get_step("showcase_post", HOLDER)
    assert kept is not None and kept.data["photos"] == []
    for _ in range(3):  # the third photo moves on by itself
        await holder.send_photo()
    assert "نام محصول" in holder.last_text
    await holder.send_photo()
    assert "متن" in holder.last_text
    for name in ("x" * 81, "  ", "a\nb" * 30):
        await holder.send(name)
        assert "۸۰ نویسه" in holder.last_text
    await holder.send("گلیم")
    for price in ("-5", "1.5", "۵۰۰", "دویست", "1" * 16):
        await holder.send(price)
        assert "به تومان" in holder.last_text
    await holder.send("۱۲۰,۰۰۰")
    await holder.click(FA["phone"])
    for phone in ("12345", "02112345678", "۰۹۱۲۳"):
        await holder.send(phone)
        assert "معتبر نیست" in holder.last_text
    await holder.send("+98 912 345 6789")
    kept = await bot.store.get_step("showcase_post", HOLDER)
    assert kept is not None and (kept.data["name"], kept.data["price"], kept.data["contact"]) == (
        "گلیم", 120_000, "09123456789")


async def test_only_holders_of_a_valid_permit_post_and_only_officers_decide(bot: Harness) -> None:
    stranger = bot.user(BUYER)
    await stranger.send("/showcase")
    await stranger.click(FA["new"])
    assert "مجوز معتبر" in stranger.last_text
    holder = await holder_with_permit(bot)
    [officer] = await officers(bot)
    await officers(bot, "تهران", 601)
    await showcase_channel(bot)
    await write_post(holder, FA)
    await holder.click(FA["send"])
    post = await only_post(bot)
    somewhere = {"message_id": 1, "date": 0, "chat": {"id": 0, "type": "private"}}
    for intruder in (stranger, bot.user(601), holder):  # nobody, another province's officer, the holder
        for action in ("approve", "refuse", "down"):
            await intruder.press(f"v1:sha:{post.id}:{action}", somewhere | {"chat": {"id": intruder.id,
                                                                                      "type": "private"}})
            assert "اجازه" in bot.rec.last("answerCallbackQuery").params["text"]
    await stranger.press(f"v1:sha:{post.id}:wd_yes", somewhere | {"chat": {"id": BUYER, "type": "private"}})
    assert (await only_post(bot)).status == PostStatus.PENDING
    await bot.user(ADMIN_ID).send(f"/addofficer {HOLDER} لرستان")  # the holder made an officer: never their own
    await bot.deliver()
    await holder.press(f"v1:sha:{post.id}:approve", somewhere | {"chat": {"id": HOLDER, "type": "private"}})
    assert "به خود شما مربوط" in bot.rec.last("answerCallbackQuery").params["text"]
    assert (await only_post(bot)).status == PostStatus.PENDING
    assert officer.inline_buttons()


async def test_setchannel_keeps_the_statistics_channel_and_lists_both(bot: Harness) -> None:
    admin = bot.user(ADMIN_ID)
    await admin.send("/setchannel لرستان @lorestan_stats")
    await admin.send("/setchannel لرستان @lorestan_shop showcase")
    assert "ویترین محصولات لرستان" in admin.last_text
    await admin.send("/setchannel all @iran_shop showcase")
    assert "برای هر استان جداست" in admin.last_text
    await admin.send("/channels")
    assert "لرستان (آمار): @lorestan_stats" in admin.last_text and "لرستان (ویترین): @lorestan_shop" in admin.last_text
    assert [c.title for c in await bot.store.list_channels()] == ["@lorestan_stats"]  # the daily post's channels
    assert bot.app.job_queue is not None and bot.app.job_queue.get_jobs_by_name("stats:IR-15")
    await admin.send("/unsetchannel لرستان showcase")
    assert await bot.store.first_channel("IR-15", ChannelPurpose.SHOWCASE) is None
    assert await bot.store.first_channel("IR-15", ChannelPurpose.STATS) is not None


async def test_a_half_written_post_and_an_owed_reason_survive_a_restart(config: Config) -> None:
    async with running(config) as bot:
        [officer] = await officers(bot)
        seller = bot.user(HOLDER + 1)
        await complete_journey(seller, Answers(national_id=next_national_id(), mobile="09120001122"))
        await write_post(seller, FA, contact="none")
        await seller.click(FA["send"])
        await bot.deliver()
        await officer.click(FA["refuse"])
        holder = await holder_with_permit(bot)
        await holder.send("/showcase")
        await holder.click(FA["new"])
        await holder.send_photo()
    async with running(config) as bot:
        holder, officer = bot.user(HOLDER), bot.user(OFFICER)
        await holder.send_photo()
        assert "عکس ۲ از ۳" in holder.last_text
        await officer.send("عکس‌ها تار است")
        [post], _ = await bot.store.list_user_posts(HOLDER + 1, 10)
        assert (post.status, post.reason) == (PostStatus.REFUSED, "عکس‌ها تار است")


async def test_a_post_under_a_permit_revoked_since_is_not_approved(bot: Harness) -> None:
    holder = await holder_with_permit(bot)
    [officer] = await officers(bot)
    await showcase_channel(bot)
    await write_post(holder, FA)
    await holder.click(FA["send"])
    await bot.deliver()
    [application] = await bot.store.list_user_applications(HOLDER)
    await officer.send(f"/revoke {application.permit_number} فعالیت در نشانی انجام نمی‌شود")
    await officer.click(FA["approve"])
    assert "دیگر معتبر نیست" in bot.rec.last("answerCallbackQuery").params["text"]
    assert (await only_post(bot)).status == PostStatus.PENDING


async def test_the_holders_list_pages(bot: Harness) -> None:
    holder = await holder_with_permit(bot)
    [application] = await bot.store.list_user_applications(HOLDER)
    for n in range(7):  # refused at once, so the next may follow
        post = await bot.store.submit_showcase_post(HOLDER, application.id, f"محصول {n}", 1000 + n,
                                                    ContactKind.NONE, None, ["p"], timedelta(days=7))
        await bot.store.decide_showcase_post(post.id, OFFICER, reason="نمونه")
    await holder.send("/showcase")
    assert "(صفحه ۱ از ۲)" in holder.last_text and "محصول 6" in holder.last_text and "محصول 1" not in holder.last_text
    await holder.click("▶")
    assert "(صفحه ۲ از ۲)" in holder.last_text and "محصول 1" in holder.last_text


async def test_two_officers_pressing_at_once_decide_once(bot: Harness) -> None:
    holder = await holder_with_permit(bot)
    both = await officers(bot, "لرستان", OFFICER, SECOND_OFFICER)
    channel_id = await showcase_channel(bot)
    await write_post(holder, FA)
    await holder.click(FA["send"])
    await bot.deliver()
    post = await only_post(bot)
    for officer in both:
        officer.process = officer.process_through_queue  # as polling delivers: everyone's updates at once
    await asyncio.gather(*(officer.press(f"v1:sha:{post.id}:approve", officer.latest_inline_message())
                           for officer in both))
    await bot.deliver()
    alerts = sorted(call.params.get("text", "") for call in bot.rec.sent("answerCallbackQuery"))[-2:]
    assert alerts == ["انجام شد ✓", "درباره این آگهی پیش‌تر تصمیم گرفته شده است."]
    assert len(list(bot.rec.sent("sendMediaGroup", channel_id))) == 1
    assert len([row for row in await bot.store.list_outbox() if row.kind == "showcase.decided"]) == 1


async def test_a_closed_posts_phone_is_erased_after_the_retention_years(config: Config) -> None:
    clock = FakeClock()
    async with running(config, clock) as bot:
        await holder_with_permit(bot)
        [application] = await bot.store.list_user_applications(HOLDER)
        closed = await bot.store.submit_showcase_post(HOLDER, application.id, "گلیم", 1000, ContactKind.PHONE,
                                                      "09123456789", ["p"], timedelta(days=7))
        await bot.store.decide_showcase_post(closed.id, OFFICER, reason="نمونه")
        live = await bot.store.submit_showcase_post(HOLDER, application.id, "جاجیم", 1000, ContactKind.PHONE,
                                                    "09123456789", ["p"], timedelta(days=7))
        await bot.store.decide_showcase_post(live.id, OFFICER, channel_id=-100)
        clock.advance(days=365 * config.retention_years + 2)
        await bot.store.erase_personal_data(config.retention_years)
        erased, kept = await bot.store.get_showcase_post(closed.id), await bot.store.get_showcase_post(live.id)
        assert erased is not None and (erased.contact_kind, erased.contact, erased.name) == (ContactKind.NONE, None,
                                                                                             "گلیم")
        assert kept is not None and kept.contact == "09123456789"  # still in the channel, by the holder's choice


async def test_a_permit_revoked_during_the_form_stops_the_post(bot: Harness) -> None:
    holder = await holder_with_permit(bot)
    [officer] = await officers(bot)
    await write_post(holder, FA)
    [application] = await bot.store.list_user_applications(HOLDER)
    await officer.send(f"/revoke {application.permit_number} فعالیت در نشانی انجام نمی‌شود")
    mark = len(bot.rec.calls)
    await holder.click(FA["send"])
    # The answer to the press; the courier may deliver the revocation notice beside it, before or after.
    assert any("مجوز معتبر" in text for text in holder.texts_since(mark))
    assert (await bot.store.list_user_posts(HOLDER, 10))[1] == 0
    assert await bot.store.get_step("showcase_post", HOLDER) is None
