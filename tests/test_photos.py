"""Product photos (handlers/photos.py): which messages are taken, and how photos are shown again."""

from datetime import UTC, datetime

import pytest
from telegram import Chat, Document, Message, PhotoSize, Sticker

from handlers.photos import MAX_PHOTO_BYTES, PhotoRefused, product_photo, send_photos
from tests.fakes import Harness

CHAT = Chat(1001, Chat.PRIVATE)


def message(**fields: object) -> Message:
    return Message(1, datetime.now(UTC), CHAT, **fields)  # type: ignore[arg-type]


def test_the_largest_size_of_a_photo_is_kept() -> None:
    sizes = (PhotoSize("small", "s", 90, 68, 1_000), PhotoSize("big", "b", 1280, 960, 200_000),
             PhotoSize("mid", "m", 320, 240, 20_000))
    assert product_photo(message(photo=sizes)) == "big"


@pytest.mark.parametrize(("fields", "template"), [
    ({"document": Document("d", "d", file_name="cake.jpg", mime_type="image/jpeg")}, "photos/document"),
    ({"document": Document("d", "d", file_name="virus.exe")}, "photos/document"),
    ({"sticker": Sticker("s", "s", 512, 512, False, False, "regular")}, "photos/not_a_photo"),
    ({"text": "this is my cake"}, "photos/not_a_photo"),
    ({"photo": (PhotoSize("huge", "h", 1280, 960, MAX_PHOTO_BYTES + 1),)}, "photos/too_large"),
    ({"photo": (PhotoSize("wide", "w", 9000, 400, 90_000),)}, "photos/too_large"),
])
def test_what_is_not_a_usable_photo_is_refused_with_its_reason(fields: dict[str, object], template: str) -> None:
    assert product_photo(message(**fields)) == PhotoRefused(template)


async def test_one_photo_goes_with_its_caption_and_several_as_an_album(bot: Harness) -> None:
    await send_photos(bot.app.bot, 1001, ["one"], "<b>کیک</b>")
    single = bot.rec.last("sendPhoto", 1001)
    assert single.params["photo"] == "one" and single.text == "<b>کیک</b>"  # as read: bold (Bale: *کیک*)
    sent = await send_photos(bot.app.bot, 1001, ["a", "b", "c"], "سه عکس")
    album = bot.rec.last("sendMediaGroup", 1001)
    assert [item["media"] for item in album.params["media"]] == ["a", "b", "c"]
    assert [m.caption for m in sent] == ["سه عکس", None, None]
    assert [m.photo[-1].file_id for m in sent] == ["a", "b", "c"]


async def test_a_caption_too_long_for_a_photo_follows_it_as_a_message(bot: Harness) -> None:
    long = "کیک خانگی " * 150
    sent = await send_photos(bot.app.bot, 1001, ["a", "b"], long)
    assert len(sent) == 3 and sent[-1].text == long
    assert all("caption" not in item for item in bot.rec.last("sendMediaGroup", 1001).params["media"])
