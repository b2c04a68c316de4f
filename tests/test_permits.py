"""Permit cards (PNG, PDF, QR), public verification, revocation, renewal, expiry and reminders."""

import asyncio
import io
from datetime import UTC, datetime, timedelta

import zxingcpp
from PIL import Image
from pypdf import PdfReader

from bot.offline_client import settle
from bot.platforms import CHAT_LINKS
from domain.lifecycle import Action, Stage
from domain.signature import sign_permit
from messages.card_cache import CardCache
from messages.formatting import localize_digits
from messages.permit_card import CardContent
from storage.records import Application
from tests.conftest import ADMIN_ID
from tests.fakes import FakeUser, Harness, mentions, shown
from tests.journey import Answers, complete_journey, fill_form
from tests.seeding import permit

HOLDER = 1001


async def holder_with_permit(bot: Harness) -> tuple[FakeUser, Application]:
    holder = bot.user(HOLDER)
    await complete_journey(holder)
    [application] = await bot.store.list_user_applications(HOLDER)
    return holder, application


def decode_qr(png: bytes) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


async def test_the_card_follows_the_permit_and_its_qr_opens_the_verification(bot: Harness) -> None:
    holder, application = await holder_with_permit(bot)
    photo = holder.last_photo
    [png] = photo.files.values()
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (1080, 1460) and 30_000 < len(png) < 2_000_000
    secret = bot.app.bot_data["permit_secret"]
    signature = sign_permit(application.permit_number, secret)
    chat = CHAT_LINKS[bot.config.platform]  # t.me, or ble.ir on Bale
    assert decode_qr(png) == [f"{chat}HomeBusinessTestBot?start=v-{application.permit_number}-{signature}"]
    assert "کارت مجوز" in photo.text

    await holder.click("🖨 نسخه PDF برای چاپ")
    document = bot.rec.last("sendDocument", HOLDER)
    [pdf] = document.files.values()
    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    assert pdf.startswith(b"%PDF") and len(reader.pages) == 1 and 5_000 < len(pdf) < 1_000_000
    assert (round(float(page.mediabox.width) / 72 * 25.4), round(float(page.mediabox.height) / 72 * 25.4)) == (148, 210)
    # In Persian digits, as on the card; pypdf hands runs of Persian digits back reversed (the dates too).
    assert localize_digits(application.permit_number, "fa")[::-1] in page.extract_text()


async def test_permit_command_and_menu_button_send_the_card_again(bot: Harness) -> None:
    holder, _ = await holder_with_permit(bot)
    before = len(list(bot.rec.sent("sendPhoto", HOLDER)))
    await holder.click("🪪 مجوز من")
    await holder.send("/permit pdf")
    assert len(list(bot.rec.sent("sendPhoto", HOLDER))) == before + 1
    assert bot.rec.last("sendDocument", HOLDER).files
    stranger = bot.user(2002)
    await stranger.send("/permit")
    assert "هنوز مجوزی ندارید" in stranger.last_text


async def test_someone_elses_pdf_button_is_refused(bot: Harness) -> None:
    _, application = await holder_with_permit(bot)
    thief = bot.user(2002)
    await thief.press(f"v1:permit:pdf:{application.id}", {"message_id": 1, "chat": {"id": 2002, "type": "private"},
                                                           "date": 0})
    assert "اجازه" in bot.rec.last("answerCallbackQuery").params["text"]
    assert not list(bot.rec.sent("sendDocument", 2002))


def no_personal_data(text: str, application: Application) -> bool:
    return all(secret not in text for secret in (application.national_id, application.mobile, application.address,
                                                 application.full_name, application.postal_code))


async def test_the_deep_link_verifies_a_genuine_permit(bot: Harness) -> None:
    _, application = await holder_with_permit(bot)
    signature = sign_permit(application.permit_number, bot.app.bot_data["permit_secret"])
    visitor = bot.user(3003)
    await visitor.send(f"/start v-{application.permit_number}-{signature}")
    text = visitor.last_text
    assert "مجوز معتبر است" in text and "م. ا." in text and "گلیم‌بافی" in text and "لرستان" in text
    assert no_personal_data(text, application)


async def test_a_forged_code_is_not_genuine(bot: Harness) -> None:
    _, application = await holder_with_permit(bot)
    visitor = bot.user(3003)
    await visitor.send(f"/start v-{application.permit_number}-aaaaaaaaaa")
    assert "معتبر نیست" in visitor.last_text and no_personal_data(visitor.last_text, application)
    await visitor.send(f"/start v-15-1405-99999-9-{sign_permit('15-1405-99999-9', 'another secret')}")
    assert "معتبر نیست" in visitor.last_text
    await visitor.send("/start v-garbage")
    assert "معتبر نیست" in visitor.last_text


async def test_verify_by_number_reports_each_status(bot: Harness) -> None:
    _, application = await holder_with_permit(bot)
    visitor = bot.user(3003)
    await visitor.send(f"/verify {application.permit_number}")
    assert "مجوز معتبر است" in visitor.last_text
    await visitor.send("/verify 99-9999-00000-0")
    assert "پیدا نشد" in visitor.last_text
    await visitor.send("/verify")
    assert "/verify" in visitor.last_text

    await bot.user(ADMIN_ID).send("/addofficer 501 لرستان")
    await bot.user(501).send(f"/revoke {application.permit_number} فعالیتی در نشانی ثبت‌شده نیست")
    await visitor.send(f"/verify {application.permit_number}")
    assert "باطل شده" in visitor.last_text and "فعالیتی" not in visitor.last_text
    assert no_personal_data(visitor.last_text, application)

    expired = await permit(bot.store.path, datetime.now(UTC) - timedelta(days=5 * 366), "IR-15", "قالیبافی",
                           "independent", 1)
    await visitor.send(f"/verify {expired.permit_number}")
    assert "به پایان رسیده" in visitor.last_text


async def test_a_typed_number_tells_only_the_status_and_the_category(bot: Harness) -> None:
    _, application = await holder_with_permit(bot)
    visitor = bot.user(3003)
    await visitor.send(f"/verify {application.permit_number}")
    text = visitor.last_text
    assert "مجوز معتبر است" in text and "گلیم‌بافی" in text
    for detail in ("م. ا.", "لرستان", "صدور", "اعتبار تا"):  # initials, province and dates: only by the QR link
        assert detail not in text, detail
    assert "کد QR" in text


async def test_a_persian_typed_number_is_verified_too(bot: Harness) -> None:
    _, application = await holder_with_permit(bot)
    visitor = bot.user(3003)
    await visitor.send("/verify " + application.permit_number.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")))
    assert "مجوز معتبر است" in visitor.last_text


async def test_each_person_may_check_twenty_bare_numbers_an_hour(bot: Harness) -> None:
    _, application = await holder_with_permit(bot)
    prober, other = bot.user(3003), bot.user(3004)
    for serial in range(20):
        await prober.send(f"/verify 15-1405-{serial:05d}-0")
        assert "ساعتی دیگر" not in prober.last_text
    await prober.send(f"/verify {application.permit_number}")
    assert "ساعتی دیگر" in prober.last_text and "معتبر است" not in prober.last_text
    signature = sign_permit(application.permit_number, bot.app.bot_data["permit_secret"])
    await prober.send(f"/start v-{application.permit_number}-{signature}")  # the QR link is not counted
    assert "مجوز معتبر است" in prober.last_text
    await other.send(f"/verify {application.permit_number}")  # the quota is per person
    assert "مجوز معتبر است" in other.last_text


async def test_revocation_by_the_provinces_officer_reaches_the_holder(bot: Harness) -> None:
    holder, application = await holder_with_permit(bot)
    admin = bot.user(ADMIN_ID)
    await admin.send("/addofficer 501 لرستان")
    await admin.send("/addofficer 601 تهران")
    foreign = bot.user(601)
    await foreign.send(f"/revoke {application.permit_number} دلیل")
    assert "پیدا نشد" in foreign.last_text
    stranger = bot.user(777)
    await stranger.send(f"/revoke {application.permit_number} دلیل")
    assert "مخصوص کارشناسان" in stranger.last_text
    current = await bot.store.get_application(application.id)
    assert current is not None and current.stage == Stage.PERMIT_ISSUED

    officer = bot.user(501)
    await officer.send(f"/revoke {application.permit_number} فعالیتی در نشانی ثبت‌شده نیست")
    assert "باطل شد" in officer.last_text
    await bot.deliver()
    assert "باطل شد" in holder.last_text and "فعالیتی در نشانی ثبت‌شده نیست" in holder.last_text
    audit = await bot.store.list_audit(application.id)
    assert (audit[-1].action, audit[-1].actor_id) == ("revoke", 501)


async def test_a_holder_renews_a_permit_that_is_about_to_expire(bot: Harness) -> None:
    ten_days_left = datetime.now(UTC) - timedelta(days=5 * 365 - 10)
    application = await permit(bot.store.path, ten_days_left, "IR-15", "قالیبافی", "independent", 1, user_id=HOLDER)
    holder = bot.user(HOLDER)
    await holder.send("/renew")
    assert mentions(" ".join(holder.inline_buttons()), application.permit_number)
    await holder.click(f"🔄 تمدید {shown(application.permit_number)}")
    assert "تمدید شد" in holder.last_text
    renewed = await bot.store.get_application(application.id)
    assert renewed is not None and renewed.permit_number == application.permit_number
    assert (renewed.valid_until - application.valid_until).days in (1826, 1827)
    assert [e.action for e in await bot.store.list_audit(application.id)][-1] == "renew"
    await holder.send("/renew")
    assert "زمان تمدید را یادآوری" in holder.last_text


async def test_reminders_go_once_and_expired_permits_close(bot: Harness) -> None:
    now = datetime.now(UTC)
    soon = await permit(bot.store.path, now - timedelta(days=5 * 365 - 20), "IR-15", "قالیبافی", "independent", 1,
                        user_id=HOLDER)
    gone = await permit(bot.store.path, now - timedelta(days=5 * 366 + 3), "IR-15", "گلیم‌بافی", "independent", 1,
                        user_id=HOLDER)
    job = bot.app.job_queue.get_jobs_by_name("look_after_permits")[0]  # type: ignore[union-attr]
    await job.run(bot.app)
    await job.run(bot.app)
    await bot.deliver()

    reminders = [c.text for c in bot.rec.sent("sendMessage", HOLDER) if "/renew" in c.text]
    assert len(reminders) == 1 and mentions(reminders[0], soon.permit_number)
    closed = await bot.store.get_application(gone.id)
    assert closed is not None and closed.stage == Stage.EXPIRED
    assert any("به پایان رسید" in c.text and mentions(c.text, gone.permit_number)
               for c in bot.rec.sent("sendMessage", HOLDER))


async def test_permit_cards_are_drawn_beside_the_update_and_drawn_once(bot: Harness) -> None:
    holder, application = await holder_with_permit(bot)
    cache: CardCache = bot.app.bot_data["card_cache"]
    photos = len(list(bot.rec.sent("sendPhoto", HOLDER)))
    draws = cache.draws
    holder.process = bot.app.process_update  # the update alone, without waiting for what it leaves running
    await holder.send("/permit")
    assert len(list(bot.rec.sent("sendPhoto", HOLDER))) == photos  # the update did not wait for a drawing
    await settle(bot.app)
    assert len(list(bot.rec.sent("sendPhoto", HOLDER))) == photos + 1
    assert cache.draws == draws and cache.hits == 1  # the card drawn after Confirm, not drawn again

    await holder.send("/permit pdf")
    await settle(bot.app)
    await holder.send("/permit pdf")
    await settle(bot.app)
    first, second = [call.files for call in bot.rec.sent("sendDocument", HOLDER)]
    assert first == second and cache.draws == draws + 1  # one PDF drawing for two

    await holder.send("/lang en")  # what the card shows changes with the language: drawn again
    await holder.send("/permit")
    await settle(bot.app)
    assert cache.draws == draws + 2 and "permit card" in holder.last_photo.text
    assert application.permit_number in str(decode_qr(next(iter(holder.last_photo.files.values()))))


def test_the_card_cache_keeps_within_its_byte_budget() -> None:
    async def scenario() -> None:
        cache = CardCache(max_bytes=400_000)
        for n in range(8):
            content = CardContent(lang="fa", title="کارت مجوز", subtitle="", rows=(("نام", f"نمونه {n}"),),
                                  number_label="شماره", number=f"15-1405-{n:05d}-1", qr_link=f"https://t.me/x?start={n}",
                                  qr_caption="")
            assert (await cache.card(n, content, "png")).startswith(b"\x89PNG")
            assert cache.size <= 400_000
        assert cache.draws == 8 and cache.size > 0
        again = CardContent(lang="fa", title="کارت مجوز", subtitle="", rows=(("نام", "نمونه 7"),), number_label="شماره",
                            number="15-1405-00007-1", qr_link="https://t.me/x?start=7", qr_caption="")
        await cache.card(7, again, "png")  # the newest is still there
        assert cache.hits == 1

    asyncio.run(scenario())


async def test_open_applications_are_capped_per_person(bot: Harness) -> None:
    applicant = bot.user(HOLDER)
    for category in ("قالیبافی", "تابلوفرش"):
        await permit(bot.store.path, datetime.now(UTC), "IR-15", category, "independent", 1, user_id=HOLDER)
    await fill_form(applicant)  # the third: still allowed, but a fourth opens meanwhile
    await permit(bot.store.path, datetime.now(UTC), "IR-15", "زیلوبافی", "independent", 1, user_id=HOLDER)
    await applicant.click(Answers().confirm)
    assert "۳ درخواست در جریان" in applicant.last_text and Answers().confirm in applicant.inline_buttons()
    assert len(await bot.store.list_user_applications(HOLDER)) == 3

    await applicant.send("/cancel")
    await applicant.send("/apply")  # told before the form, not after it
    assert "۳ درخواست در جریان" in applicant.last_text and "/withdraw" in applicant.last_text
    assert not applicant.inline_buttons() or Answers().sector not in applicant.inline_buttons()

    [first, *_] = await bot.store.list_user_applications(HOLDER)
    await bot.store.transition(first.id, Action.WITHDRAW, HOLDER)
    await complete_journey(applicant)
    assert len(await bot.store.list_user_applications(HOLDER)) == 4
