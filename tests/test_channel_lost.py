"""A municipality's channel lost (the bot removed or demoted there), on SQLite and PostgreSQL:
marked once, its queued posts ended and nothing else, staff told, nothing more queued for it,
and connecting it again clears it. The Telegram side is in tests/test_e2e_channels.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot import channels
from bot.i18n import t
from storage.db import Database
from storage.models import AuditEvent, Municipality, OutboxMessage
from storage.queries.outbox import enqueue
from storage.queries.places import get_municipality
from storage.queries.users import get_or_create_user, set_language
from storage.types import utcnow
from tests.flows import make_staff

CHANNEL = -1001111111111
OTHER_CHANNEL = -1002222222222


async def connect(db: Database, slug: str, chat_id: int) -> Municipality:
    async with db.session() as session:
        place = await get_municipality(session, slug=slug)
        place.channel_chat_id = chat_id
        place.channel_title = f"{slug} SSP"
        session.add(place)
        await session.commit()
        return place


async def lose(db: Database, chat_id: int, reason: str = "left") -> list[int]:
    async with db.session() as session:
        return await channels.channel_lost(
            session,
            chat_id=chat_id,
            reason=reason,
            source="update",
            now=utcnow(),
            default_language="ru",
        )


async def outbox(db: Database) -> dict[str, OutboxMessage]:
    async with db.session() as session:
        rows = (await session.exec(select(OutboxMessage))).all()
    return {row.dedupe_key: row for row in rows}


async def test_a_lost_channel_is_marked_once_and_only_its_queued_posts_end(
    seeded_database: Database,
) -> None:
    db = seeded_database
    karakol = await connect(db, "karakol", CHANNEL)
    await connect(db, "batken", OTHER_CHANNEL)
    await make_staff(db, 71_001, "karakol")
    await make_staff(db, 71_002, "karakol", role="municipal_admin")
    await make_staff(db, 71_003, "karakol", role="commission")
    await make_staff(db, 71_004, "batken")
    async with db.session() as session:
        await set_language(session, telegram_id=71_002, language="ky")
        await set_language(session, telegram_id=71_001, language=None)  # the default: ru
        someone, _ = await get_or_create_user(session, telegram_id=71_005)
        later = utcnow() + timedelta(hours=1)
        await enqueue(session, chat_id=CHANNEL, text="a", dedupe_key="queued", not_before=later)
        await enqueue(session, chat_id=CHANNEL, text="b", dedupe_key="sending")
        await enqueue(session, chat_id=OTHER_CHANNEL, text="c", dedupe_key="other channel")
        await enqueue(session, chat_id=71_005, user_id=someone.id, text="d", dedupe_key="person")
        await session.commit()
        row = (await session.exec(select(OutboxMessage).where(OutboxMessage.text == "b"))).one()
        row.status = "sending"  # a sender has it: its own refusal settles it
        session.add(row)
        await session.commit()

    assert await lose(db, CHANNEL, "kicked") == [karakol.id]
    rows = await outbox(db)
    assert (rows["queued"].status, rows["queued"].last_error) == ("blocked", "channel lost: kicked")
    assert rows["sending"].status == "sending"
    assert rows["other channel"].status == rows["person"].status == "queued"
    told = {row.chat_id: row.text for key, row in rows.items() if key.startswith("chlost:")}
    async with db.session() as session:
        place = await session.get(Municipality, karakol.id)
    assert sorted(told) == [71_001, 71_002]  # staff and admin; not the commission, not Batken
    assert told[71_001] == channels.lost_text(place, "ru")
    assert told[71_002] == channels.lost_text(place, "ky")
    assert t("ky", "channel-lost-kicked") in told[71_002]
    assert "karakol SSP" in told[71_002] and "/channel" in told[71_002]
    assert (place.channel_chat_id, place.channel_lost_reason) == (CHANNEL, "kicked")
    assert channels.usable_channel(place) is None

    # Reported again (another refused post, or the update after the refusal): nothing changes.
    assert await lose(db, CHANNEL, "left") == []
    assert len(await outbox(db)) == len(rows)
    async with db.session() as session:
        assert (await session.get(Municipality, karakol.id)).channel_lost_reason == "kicked"
        events = (await session.exec(select(AuditEvent))).all()
        assert [(e.action, e.actor_user_id) for e in events] == [("channel.lost", None)]
        assert not await channels.may_post(session, CHANNEL)
        assert await channels.may_post(session, OTHER_CHANNEL)
        batken = await get_municipality(session, slug="batken")
        assert batken.channel_lost_at is None


async def test_a_chat_that_is_nobodys_channel_changes_nothing(seeded_database: Database) -> None:
    db = seeded_database
    await connect(db, "karakol", CHANNEL)
    async with db.session() as session:
        await enqueue(session, chat_id=OTHER_CHANNEL, text="x", dedupe_key="x")
        await session.commit()
    assert await lose(db, OTHER_CHANNEL) == []
    assert [row.status for row in (await outbox(db)).values()] == ["queued"]
    async with db.session() as session:
        assert (await get_municipality(session, slug="karakol")).channel_lost_at is None
        with pytest.raises(ValueError, match="unknown reason"):
            await channels.channel_lost(
                session,
                chat_id=CHANNEL,
                reason="bored",
                source="update",
                now=utcnow(),
                default_language="ru",
            )


async def test_connecting_or_disconnecting_again_clears_the_loss(seeded_database: Database):
    db = seeded_database
    karakol = await connect(db, "karakol", CHANNEL)
    await lose(db, CHANNEL)
    async with db.session() as session:
        place = await session.get(Municipality, karakol.id)
        info = channels.ChannelInfo(chat_id=CHANNEL, title="karakol SSP", username=None)
        await channels.set_channel(
            session, place=place, channel=info, language="ky", by_user_id=None
        )
    async with db.session() as session:
        place = await session.get(Municipality, karakol.id)
        assert (place.channel_lost_at, place.channel_lost_reason) == (None, None)
        assert channels.usable_channel(place) == CHANNEL
        assert await channels.may_post(session, CHANNEL)
    assert await lose(db, CHANNEL, "not-found") == [karakol.id]  # lost again: told again
    async with db.session() as session:
        place = await session.get(Municipality, karakol.id)
        assert await channels.clear_channel(session, place=place, by_user_id=None)
    async with db.session() as session:
        place = await session.get(Municipality, karakol.id)
        assert (place.channel_chat_id, place.channel_lost_at) == (None, None)
