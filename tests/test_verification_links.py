"""The QR code's deep link (/start v-<number>-<signature>) with whatever an attacker puts in it."""

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from messages import render
from tests.journey import complete_journey
from tests.test_hostile_input import SETTINGS, Loop, config_for

HOLDER = 1001
VISITOR = 3003


def test_any_signature_or_payload_answers_without_crashing(tmp_path: Path) -> None:
    runner = Loop(config_for(tmp_path))
    bot = runner.bot
    runner.run(complete_journey(bot.user(HOLDER)))
    [application] = runner.run(bot.store.list_user_applications(HOLDER))
    number = application.permit_number
    visitor = bot.user(VISITOR)
    forged = render("fa", "permit/verify", status="forged", number=number)

    @SETTINGS
    @given(signature=st.text(alphabet=st.characters(min_codepoint=0x80, exclude_categories=("Zs", "Cc", "Cs")),
                             min_size=10, max_size=10))
    def non_ascii_signature(signature: str) -> None:
        runner.run(visitor.send(f"/start v-{number}-{signature}"))
        assert visitor.last_text == forged
        assert not bot.errors, bot.errors

    @SETTINGS
    @given(payload=st.text(min_size=1, max_size=64))
    def any_payload(payload: str) -> None:
        runner.run(visitor.send(f"/start v-{payload}"))
        assert not bot.errors, bot.errors

    try:
        non_ascii_signature()
        any_payload()
    finally:
        runner.close()
