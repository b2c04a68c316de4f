"""Product photos people send (an exhibition booth request, a showcase post): what is accepted, and how a
few of them are shown again to officers or a channel.

Only a photo message is taken (Telegram has already compressed it and made its sizes); a file sent as a
document, a sticker, a video or text is refused with a template that says what to do instead. Only the
largest size's file_id is kept: Telegram serves the other sizes from it, and a file_id is all the bot needs
to send the photo again (no bytes are downloaded or stored).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from telegram import Bot, InputMediaPhoto, Message
from telegram.constants import MediaGroupLimit

from messages.markup import CAPTION_LIMIT, visible_length

# Telegram's own photos stay under 10 MB and 10,000 px a side; a "photo" above this is not one a phone made.
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTO_SIDE = 5000


@dataclass(frozen=True, slots=True)
class PhotoRefused:
    """Why a message is not a usable photo; `template` is under messages/<lang>/photos/."""

    template: str


def product_photo(message: Message) -> str | PhotoRefused:
    """The file_id of the message's photo at its largest size, or why it is refused."""
    if message.document is not None:  # also an image sent "as a file": uncompressed, any size, any type
        return PhotoRefused("photos/document")
    if not message.photo:
        return PhotoRefused("photos/not_a_photo")
    largest = max(message.photo, key=lambda size: (size.width * size.height, size.file_size or 0))
    if (largest.file_size or 0) > MAX_PHOTO_BYTES or max(largest.width, largest.height) > MAX_PHOTO_SIDE:
        return PhotoRefused("photos/too_large")
    return largest.file_id


async def send_photos(bot: Bot, chat_id: int, file_ids: Sequence[str], caption: str) -> list[Message]:
    """The photos with `caption` under them: one photo, or an album (a media group, caption on the first);
    a caption over Telegram's 1,024 characters goes as its own message after them. No photos: the text alone."""
    fits = visible_length(caption) <= CAPTION_LIMIT
    if not file_ids:
        return [await bot.send_message(chat_id, caption)]
    if len(file_ids) == 1:
        sent = [await bot.send_photo(chat_id, file_ids[0], caption=caption if fits else None)]
    else:
        media = [InputMediaPhoto(file_id, caption=caption if fits and index == 0 else None)
                 for index, file_id in enumerate(file_ids[:MediaGroupLimit.MAX_MEDIA_LENGTH])]
        sent = list(await bot.send_media_group(chat_id, media))
    if not fits:
        sent.append(await bot.send_message(chat_id, caption))
    return sent
