"""End to end: subscriptions with toggle buttons, pausing, deep links into a municipality, and
stale, forged or doubled taps that change nothing."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.i18n import t
from sandbox import SandboxClient
from storage.db import Database
from storage.models import Topic
from tests.flows import (
    agree_to_consent,
    karakol_name,
    messages,
    onboard,
    plain,
    published_call,
    settle,
    subscription_rows,
    user_row,
)

pytestmark = pytest.mark.usefixtures("bot")

KARAKOL_TOPICS_EN = [
    "Women without support and victims of domestic violence",
    "Children of labour migrants",
    "Children with disabilities",
    "Homeless citizens",
]


async def edit_after_click(user, label: str):
    await user.click(label)
    events = await settle(user, messages=0, edits=1)
    edits = [event for event in events if event.kind == "edit"]
    assert edits, events
    return edits[-1]


async def karakol_topic_ids(db: Database) -> dict[str, int]:
    from storage.queries.places import get_municipality, list_topics

    async with db.session() as session:
        karakol = await get_municipality(session, slug="karakol")
        return {
            topic.slug: topic.id for topic in await list_topics(session, municipality_id=karakol.id)
        }


async def test_choosing_municipalities_and_topics_with_toggles(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    user = sandbox.user(21_001, first_name="Aigul", language_code="en")
    await onboard(user, "en")
    await user.send(t("en", "menu-subscriptions"))
    overview = (await agree_to_consent(user, "en"))[-1]
    assert plain(t("en", "subs-none")) in overview.text
    assert [row[0] for row in overview.buttons[:3]] == [
        "➕ Batken Mayor's Office",
        "➕ Karakol Mayor's Office",
        "➕ Kochkor-Ata Mayor's Office",
    ]

    screen = await edit_after_click(user, "➕ Karakol Mayor's Office")
    assert screen.text == plain(
        t("en", "subs-municipality-title", municipality="Karakol Mayor's Office")
    )
    assert [row[0] for row in screen.buttons] == [
        "▫️ All topics",
        *[f"▫️ {n}" for n in KARAKOL_TOPICS_EN],
        "⬅️ Back",
    ]

    screen = await edit_after_click(user, "▫️ All topics")
    assert [row[0] for row in screen.buttons][:2] == ["✅ All topics", f"✅ {KARAKOL_TOPICS_EN[0]}"]
    rows = await subscription_rows(seeded_database, user.id)
    assert [(row.topic_id) for row in rows] == [None]

    # Turning one topic off leaves the other three, one by one.
    screen = await edit_after_click(user, "✅ Homeless citizens")
    ids = await karakol_topic_ids(seeded_database)
    rows = await subscription_rows(seeded_database, user.id)
    assert sorted(row.topic_id for row in rows) == sorted(
        [ids["women"], ids["migrant-children"], ids["disability"]]
    )
    assert screen.buttons[0][0] == "▫️ All topics"

    overview = await edit_after_click(user, "⬅️ Back")
    assert (
        "Karakol Mayor's Office: Women without support and victims of domestic violence, "
        in overview.text
    )
    assert overview.buttons[1] == ["✅ Karakol Mayor's Office"]

    paused = await edit_after_click(user, t("en", "subs-pause"))
    assert plain(t("en", "subs-paused")) in paused.text
    assert (await user_row(seeded_database, user.id)).notifications_paused
    resumed = await edit_after_click(user, t("en", "subs-resume"))
    assert plain(t("en", "subs-paused")) not in resumed.text
    assert not (await user_row(seeded_database, user.id)).notifications_paused

    done = await edit_after_click(user, t("en", "subs-done"))
    assert done.text.endswith(t("en", "subs-saved"))
    assert done.buttons == []


@pytest.mark.bad_input
async def test_a_double_tap_toggles_once(sandbox: SandboxClient, seeded_database: Database) -> None:
    user = sandbox.user(21_002, first_name="Dina", language_code="ru")
    await onboard(user, "ru")
    await user.send("/subscriptions")
    await agree_to_consent(user, "ru")
    screen = await edit_after_click(user, "➕ " + karakol_name("ru"))
    data = screen.button_data["▫️ Все темы"]
    await user.click_data(screen.message_id, data)
    await user.click_data(screen.message_id, data)
    events = await settle(user, messages=0, answers=2, edits=1)
    answers = [event for event in events if event.kind == "callback_answer"]
    assert [answer.text for answer in answers] == [None, t("ru", "button-stale")]
    assert [row.topic_id for row in await subscription_rows(seeded_database, user.id)] == [None]


@pytest.mark.parametrize(
    "forged",
    [
        "sb:t:999999:000000",
        "sb:all:1:zzzzzz",
        "sb:m:1:abc",
        "sb:drop:1:000000",
        "sb:t:1:",
        "dl:sub:999",
    ],
)
@pytest.mark.bad_input
async def test_forged_subscription_buttons_change_nothing(
    sandbox: SandboxClient, seeded_database: Database, forged: str
) -> None:
    user = sandbox.user(21_003, first_name="Timur", language_code="ky")
    await onboard(user, "ky")
    await user.send("/subscriptions")
    overview = (await agree_to_consent(user, "ky"))[-1]
    await user.click_data(overview.message_id, forged)
    refusal = await user.next_reply()
    assert (refusal.kind, refusal.text) == ("callback_answer", t("ky", "button-stale"))
    assert await subscription_rows(seeded_database, user.id) == []


@pytest.mark.bad_input
async def test_a_valid_token_does_not_make_another_topic_id_acceptable(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    """A forged id in an otherwise current button is refused unless it names a real topic."""
    user = sandbox.user(21_004, first_name="Marat", language_code="en")
    await onboard(user, "en")
    await user.send("/subscriptions")
    overview = (await agree_to_consent(user, "en"))[-1]
    token = overview.button_data["➕ Batken Mayor's Office"].rsplit(":", 1)[1]
    async with seeded_database.session() as session:
        missing = max((await session.exec(select(Topic.id))).all()) + 1
    await user.click_data(overview.message_id, f"sb:t:{missing}:{token}")
    refusal = await user.next_reply()
    assert refusal.text == t("en", "button-stale")
    assert await subscription_rows(seeded_database, user.id) == []


async def test_a_deep_link_opens_the_municipality_and_subscribes_in_one_tap(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    user = sandbox.user(21_005, first_name="Gulnara", language_code="en")
    await user.send("/start m-karakol")
    card = await user.next_reply()
    assert card.text.startswith("Karakol Mayor's Office\n")
    for name in KARAKOL_TOPICS_EN:
        assert f"• {name}" in card.text
    assert card.buttons == [[t("en", "municipality-subscribe")]]
    await user.click(t("en", "municipality-subscribe"))
    events = messages(await settle(user))
    assert events[0].text == plain(t("en", "consent-text"))  # consent comes first
    await user.click(t("en", "consent-yes"))
    events = messages(await settle(user))
    assert [event.text for event in events] == [
        t("en", "consent-recorded"),
        t("en", "subs-subscribed", municipality="Karakol Mayor's Office"),
    ]
    rows = await subscription_rows(seeded_database, user.id)
    assert [(row.topic_id) for row in rows] == [None]

    # Opening the link again shows "Choose topics" too, and subscribing again changes nothing.
    await user.send("/start m-karakol")
    card = await user.next_reply()
    assert card.buttons == [
        [t("en", "municipality-subscribe")],
        [t("en", "municipality-choose-topics")],
    ]
    await user.click(t("en", "municipality-subscribe"))
    await settle(user)
    assert len(await subscription_rows(seeded_database, user.id)) == 1


@pytest.mark.parametrize(
    "payload", ["m-osh", "m-Karakol", "hello", "c-abc", "x" * 80, "m-karakol%00"]
)
@pytest.mark.bad_input
async def test_an_unknown_or_malformed_link_gets_a_friendly_start(
    sandbox: SandboxClient, payload: str
) -> None:
    user = sandbox.user(21_006, first_name="Ulan", language_code="ru")
    await user.send(f"/start {payload}")
    events = messages(await settle(user))
    assert events[0].text == t("ru", "link-unknown")
    assert events[1].html.startswith(t("ru", "start-welcome", name="Ulan"))


@pytest.mark.bad_input
async def test_a_link_to_a_call_that_does_not_exist(sandbox: SandboxClient) -> None:
    user = sandbox.user(21_007, first_name="Asel", language_code="ky")
    await user.send("/start c-17")
    events = messages(await settle(user, messages=2))
    assert events[0].text == t("ky", "link-call-missing")
    assert events[-1].html.startswith(t("ky", "start-welcome", name="Asel"))


async def test_a_new_subscriber_sees_the_open_calls_that_match(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    await published_call(seeded_database, "karakol", "women", "Shelter for women")
    await published_call(seeded_database, "batken", "waste", "Clean streets")
    await published_call(seeded_database, "karakol", "homeless", "A draft", status="draft")
    user = sandbox.user(21_008, first_name="Aida", language_code="en")
    await user.send("/start m-karakol")
    await user.next_reply()
    await user.click(t("en", "municipality-subscribe"))
    await settle(user)
    await user.click(t("en", "consent-yes"))
    events = messages(await settle(user, messages=4))
    assert [event.text.split("\n")[0] for event in events] == [
        t("en", "consent-recorded"),
        t("en", "subs-subscribed", municipality="Karakol Mayor's Office"),
        t("en", "subs-open-calls", count=1),
        "Shelter for women",
    ]


@pytest.mark.bad_input
async def test_a_call_link_opens_its_card_but_never_a_draft(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    call = await published_call(seeded_database, "karakol", "women", "Shelter for women")
    draft = await published_call(
        seeded_database, "karakol", "women", "Secret draft", status="draft"
    )
    user = sandbox.user(21_009, first_name="Aida", language_code="ru")
    await user.send(f"/start c-{call.id}")
    card = await user.next_reply()
    assert card.text.startswith("Shelter for women (ru)\nМэрия города Каракол")
    await user.send(f"/start c-{draft.id}")
    events = messages(await settle(user, messages=2))
    assert events[0].text == t("ru", "link-call-missing")
