"""The access table, proven through the real handlers.

For every action in `bot.rules.access.ACTIONS` and every kind of user — a platform admin, each
role of Karakol, staff and an admin of another municipality (Batken), an NCO user without a
role, a member of a Karakol NCO and a member of another NCO — the probes below try the action on
Karakol's records the way a client can: commands, and callback data forged onto a real message.
The NCO's own actions (`ORGANIZATION_ACTIONS`: its members) are tried on that NCO the same
way. Each probe reports whether the action was carried out (from the database and the bot's
replies), and that must equal what the table says. A new action in ACTIONS or
ORGANIZATION_ACTIONS without a probe here fails `test_every_action_has_a_probe`: add a probe
(a click or a command and what it changes) to PROBES.

docs/security.md shows the same table for people; `test_the_documented_table_is_the_table`
keeps it in step with ACTIONS."""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select
from telegram.ext import Application

from bot.i18n import t
from bot.polls import start_poll
from bot.rules.access import ACTIONS, ORGANIZATION_ACTIONS, Role
from sandbox import SandboxClient, SandboxUser, StandIn
from storage.db import Database
from storage.models import (
    Admissibility,
    Broadcast,
    Clarification,
    CommissionAssignment,
    Competition,
    Dialogue,
    Invitation,
    Member,
    MemberInvitation,
    Municipality,
    Organization,
    Poll,
    PollOption,
    ReportDue,
    StaffRole,
    Topic,
)
from storage.queries.dialogues import end_dialogue, get_dialogue, save_dialogue
from storage.queries.places import get_municipality, list_topics
from storage.queries.users import get_or_create_user, set_language
from storage.types import utcnow
from tests.flows import published_call, settle
from tests.reporting_flows import decided_call
from tests.selection_flows import applicant, closed_call
from tests.selection_flows import role as give_role
from tests.test_ratelimit import wait_until

pytestmark = pytest.mark.bad_input

HOME = "karakol"
ELSEWHERE = "batken"
PLATFORM_ADMIN_ID = 40_000
TARGET_NCO, OTHER_NCO = "Target NCO", "Other NCO"  # both in Karakol


@dataclass(frozen=True)
class Actor:
    name: str
    telegram_id: int
    role: Role | None = None
    municipality: str | None = None
    platform_admin: bool = False
    nco: str | None = None  # TARGET_NCO or OTHER_NCO: the organization the user is a member of

    def may(self, action: str) -> bool:
        """What the tables say this actor may do on the home municipality's records (and on
        the target NCO's, for an organization's actions)."""
        if action in ORGANIZATION_ACTIONS:
            return self.nco == TARGET_NCO  # its members only: no role, not even a platform admin
        if self.platform_admin:
            return True
        return self.municipality == HOME and self.role in ACTIONS[action]


def actors() -> list[Actor]:
    """A platform admin, every role at home, every role elsewhere, and a user without a role."""
    found = [Actor("platform admin", PLATFORM_ADMIN_ID, platform_admin=True)]
    for number, role in enumerate(Role):
        found.append(Actor(f"{role.value} of {HOME}", 40_100 + number, role, HOME))
        found.append(Actor(f"{role.value} of {ELSEWHERE}", 40_200 + number, role, ELSEWHERE))
    found.append(Actor("NCO user", 40_300))
    found.append(Actor("member of the NCO", 40_301, nco=TARGET_NCO))
    found.append(Actor("member of another NCO", 40_302, nco=OTHER_NCO))
    return found


class Scene:
    """One actor in front of the running bot, with Karakol's records to try things on."""

    def __init__(
        self, app: Application, db: Database, user: SandboxUser, home: Municipality, anchor: int
    ) -> None:
        self.processor = app.update_processor
        self.db = db
        self.user = user
        self.home = home
        self.anchor = anchor  # a real bot message in the actor's chat, for forged clicks
        self.mismatches: list[str] = []
        self.applicants = 0
        self.target: Organization | None = None  # the NCO whose own actions are tried

    async def published(self) -> Competition:
        return await published_call(self.db, HOME, "women", "Clean streets")

    async def draft(self) -> Competition:
        return await published_call(self.db, HOME, "women", "A draft", status="draft")

    async def question(self) -> Clarification:
        call = await self.published()
        async with self.db.session() as session:
            question = Clarification(competition_id=call.id, question="When is the deadline?")
            session.add(question)
            await session.commit()
            await session.refresh(question)
            return question

    async def closed(self) -> Competition:
        """A published call whose deadline has passed: selection can begin."""
        return await closed_call(self.db, HOME, title=f"Closed {uuid.uuid4().hex[:6]}")

    async def submission(self, call: Competition) -> int:
        """A submitted application to `call`; returns its id."""
        self.applicants += 1
        number = self.user.id % 1000 * 100 + self.applicants
        found = await applicant(
            self.db,
            call,
            telegram_id=60_000_000 + number,
            language="en",
            number=number,
            requested=100_000,
        )
        return found.submission_id

    async def report(self) -> ReportDue:
        """A report filed by an NCO of a decided Karakol call, waiting for review."""
        self.applicants += 1
        # Small enough for the phone number the applicant gets (16 characters at most).
        base = 620_000 + self.user.id % 1000 * 1000 + self.applicants * 10
        scene = await decided_call(
            self.db,
            reporting={"kind": "final"},
            languages=("en",),
            first_telegram_id=base,
            staff_telegram_id=base + 1,
        )
        async with self.db.session() as session:
            report = (
                await session.exec(
                    select(ReportDue).where(ReportDue.award_id == scene.awards[0].id)
                )
            ).one()
            report.status, report.revision, report.filed_at = "filed", 1, utcnow()
            report.done_text, report.beneficiaries, report.spent = "Done as planned.", 5, 0
            session.add(report)
            await session.commit()
            await session.refresh(report)
            return report

    async def poll(self) -> Poll:
        """An open poll in Karakol: two of its topics and a new issue typed in."""
        async with self.db.session() as session:
            topics = await list_topics(session, municipality_id=self.home.id)
            return await start_poll(
                session,
                place=self.home,
                kind="choose",
                question=f"Which problems first? {uuid.uuid4().hex[:6]}",
                topic_ids=[topics[0].id, topics[1].id],
                new_options=[f"Street lighting {uuid.uuid4().hex[:6]}"],
                closes_at=utcnow() + timedelta(days=5),
                by_user_id=None,
                report_chat_id=None,
                now=utcnow(),
                default_language="en",
            )

    async def broadcast(self) -> Broadcast:
        async with self.db.session() as session:
            row = Broadcast(municipality_id=self.home.id, kind="announcement")
            session.add(row)
            await session.commit()
            await session.refresh(row)
            return row

    async def dialogue(self) -> Dialogue | None:
        async with self.db.session() as session:
            user, _ = await get_or_create_user(session, telegram_id=self.user.id)
            return await get_dialogue(session, user_id=user.id)

    async def count(self, model: type, **where: object) -> int:
        async with self.db.session() as session:
            query = select(model)
            for column, value in where.items():
                query = query.where(getattr(model, column) == value)
            return len((await session.exec(query)).all())

    async def _handled(self, act: Awaitable) -> list:
        """Do `act` (one update) and return the bot's events once the update is handled: its
        replies are all sent by then. Other messages (a broadcast report) may be among them."""
        before = self.processor.handled
        await act
        await wait_until(lambda: self.processor.handled > before)
        return await self.user.replies_until_quiet(quiet=0.05, timeout=0.05, allow_empty=True)

    async def click(self, data: str) -> bool:
        """Forged callback data on a real message: True unless the bot refused the button."""
        events = await self._handled(self.user.click_data(self.anchor, data))
        self._no_failure(events, data)
        answer = next(e for e in events if e.kind == "callback_answer")
        return not (answer.show_alert and answer.text == t("en", "button-stale"))

    async def command(self, text: str) -> list:
        """A command; returns the messages it produced (refusals included)."""
        events = await self._handled(self.user.send(text))
        self._no_failure(events, text)
        return [e for e in events if e.kind == "message"]

    def _no_failure(self, events: list, what: str) -> None:
        if any(e.text == t("en", "error-generic") for e in events):
            self.mismatches.append(f"{what}: the bot failed instead of answering")

    def agree(self, what: str, seen: bool, effect: bool) -> bool:
        """The reply and the database must tell the same story."""
        if seen != effect:
            self.mismatches.append(f"{what}: reply says {seen}, database says {effect}")
        return seen and effect


def _buttons(messages: list) -> set[str]:
    return {data for message in messages for data in message.button_data.values()}


# -- probes: one or more per action; each says whether the action was done on Karakol --------


async def view_calls(scene: Scene) -> bool:
    return await scene.click(f"st:calls:{scene.home.id}")


async def view_call(scene: Scene) -> bool:
    call = await scene.published()
    return await scene.click(f"st:call:{call.id}")


async def staff_home(scene: Scene) -> bool:
    return f"st:calls:{scene.home.id}" in _buttons(await scene.command("/staff"))


async def new_call_button(scene: Scene) -> bool:
    before = await scene.count(Competition, municipality_id=scene.home.id)
    seen = await scene.click(f"st:new:{scene.home.id}")
    after = await scene.count(Competition, municipality_id=scene.home.id)
    return scene.agree("st:new", seen, after == before + 1)


async def new_call_command(scene: Scene) -> bool:
    before = await scene.count(Competition, municipality_id=scene.home.id)
    replies = await scene.command("/newcall")
    started_here = await scene.count(Competition, municipality_id=scene.home.id) > before
    return started_here or f"st:new:{scene.home.id}" in _buttons(replies)


async def edit_draft(scene: Scene) -> bool:
    draft = await scene.draft()
    return await scene.click(f"st:edit:{draft.id}")


async def publish_draft(scene: Scene) -> bool:
    """The actor is (somehow) on a draft's preview and presses Publish."""
    draft = await scene.draft()
    async with scene.db.session() as session:
        user, _ = await get_or_create_user(session, telegram_id=scene.user.id)
        await save_dialogue(
            session,
            user_id=user.id,
            name="wizard",
            step="preview",
            data={"competition_id": draft.id},
        )
    seen = await scene.click("wz:preview:publish")
    async with scene.db.session() as session:
        status = (await session.get(Competition, draft.id)).status
    return scene.agree("wz:preview:publish", seen, status == "published")


async def amend_call(scene: Scene) -> bool:
    call = await scene.published()
    seen = await scene.click(f"st:amend:{call.id}")
    dialogue = await scene.dialogue()
    return scene.agree("st:amend", seen, dialogue is not None and dialogue.name == "amend")


async def cancel_call(scene: Scene) -> bool:
    call = await scene.published()
    seen = await scene.click(f"st:cancel:{call.id}")
    dialogue = await scene.dialogue()
    return scene.agree("st:cancel", seen, dialogue is not None and dialogue.name == "cancel_call")


async def share_call(scene: Scene) -> bool:
    call = await scene.published()
    return await scene.click(f"st:share:{call.id}")


async def announce(scene: Scene) -> bool:
    seen = await scene.click(f"st:ann:{scene.home.id}")
    dialogue = await scene.dialogue()
    return scene.agree("st:ann", seen, dialogue is not None and dialogue.name == "announce")


async def answer_question(scene: Scene) -> bool:
    question = await scene.question()
    seen = await scene.click(f"qa:ans:{question.id}")
    dialogue = await scene.dialogue()
    return scene.agree("qa:ans", seen, dialogue is not None and dialogue.name == "answer")


async def open_questions(scene: Scene) -> bool:
    question = await scene.question()
    return f"qa:ans:{question.id}" in _buttons(await scene.command("/questions"))


async def broadcast_counts(scene: Scene) -> bool:
    broadcast = await scene.broadcast()
    return await scene.click(f"st:counts:{broadcast.id}")


async def invite_menu(scene: Scene) -> bool:
    return await scene.click(f"st:invm:{scene.home.id}")


async def invite_staff(scene: Scene) -> bool:
    before = await scene.count(Invitation, municipality_id=scene.home.id)
    seen = await scene.click(f"st:inv-staff:{scene.home.id}")
    after = await scene.count(Invitation, municipality_id=scene.home.id)
    return scene.agree("st:inv-staff", seen, after == before + 1)


async def invite_command(scene: Scene) -> bool:
    return f"st:invm:{scene.home.id}" in _buttons(await scene.command("/invite"))


async def selection_home(scene: Scene) -> bool:
    call = await scene.closed()
    return await scene.click(f"se:home:{call.id}")


async def ranking(scene: Scene) -> bool:
    call = await scene.closed()
    return await scene.click(f"se:rank:{call.id}")


async def admit(scene: Scene) -> bool:
    call = await scene.closed()
    submission = await scene.submission(call)
    seen = await scene.click(f"se:ok:{submission}")
    decided = await scene.count(Admissibility, submission_id=submission)
    return scene.agree("se:ok", seen, decided == 1)


async def assign_member(scene: Scene) -> bool:
    call = await scene.closed()
    member = await give_role(scene.db, 61_000_000 + scene.user.id, HOME, "commission")
    seen = await scene.click(f"se:cm:{call.id}:u{member}")
    assigned = await scene.count(CommissionAssignment, competition_id=call.id, user_id=member)
    return scene.agree("se:cm", seen, assigned == 1)


async def remind_members(scene: Scene) -> bool:
    call = await scene.closed()
    return await scene.click(f"se:rmd:{call.id}")


async def score_sheet(scene: Scene) -> bool:
    """The actor has (somehow) an assignment to the call; only the role makes it usable."""
    call = await scene.closed()
    async with scene.db.session() as session:
        user, _ = await get_or_create_user(session, telegram_id=scene.user.id)
        session.add(CommissionAssignment(competition_id=call.id, user_id=user.id))
        await session.commit()
    return await scene.click(f"cm:call:{call.id}")


async def review_command(scene: Scene) -> bool:
    call = await scene.closed()
    async with scene.db.session() as session:
        user, _ = await get_or_create_user(session, telegram_id=scene.user.id)
        session.add(CommissionAssignment(competition_id=call.id, user_id=user.id))
        await session.commit()
    return f"cm:call:{call.id}" in _buttons(await scene.command("/review"))


async def decide(scene: Scene) -> bool:
    call = await scene.closed()
    submission = await scene.submission(call)
    return await scene.click(f"se:dec:{submission}")


async def publish_decision(scene: Scene) -> bool:
    call = await scene.closed()
    return await scene.click(f"se:pub:{call.id}")


async def export_call(scene: Scene) -> bool:
    call = await scene.closed()
    return await scene.click(f"se:xlsx:{call.id}")


async def report_table(scene: Scene) -> bool:
    report = await scene.report()
    return await scene.click(f"rp:call:{report.competition_id}")


async def open_report(scene: Scene) -> bool:
    report = await scene.report()
    return await scene.click(f"rp:view:{report.id}")


async def accept_report(scene: Scene) -> bool:
    report = await scene.report()
    seen = await scene.click(f"rp:ok:{report.id}")
    async with scene.db.session() as session:
        status = (await session.get(ReportDue, report.id)).status
    return scene.agree("rp:ok", seen, status == "accepted")


async def send_report_back(scene: Scene) -> bool:
    report = await scene.report()
    seen = await scene.click(f"rp:chg:{report.id}")
    dialogue = await scene.dialogue()
    return scene.agree("rp:chg", seen, dialogue is not None and dialogue.name == "report_review")


async def extend_report(scene: Scene) -> bool:
    report = await scene.report()
    seen = await scene.click(f"rp:ext:{report.id}")
    dialogue = await scene.dialogue()
    started = dialogue is not None and dialogue.name == "report_review"
    return scene.agree("rp:ext", seen, started and dialogue.step == "date")


async def new_poll_button(scene: Scene) -> bool:
    seen = await scene.click(f"pl:m:{scene.home.id}")
    dialogue = await scene.dialogue()
    started = dialogue is not None and dialogue.name == "poll"
    return scene.agree("pl:m", seen, started and dialogue.data["municipality_id"] == scene.home.id)


async def new_poll_command(scene: Scene) -> bool:
    replies = await scene.command("/poll")
    dialogue = await scene.dialogue()
    started_here = (
        dialogue is not None
        and dialogue.name == "poll"
        and dialogue.data.get("municipality_id") == scene.home.id
    )
    return started_here or f"pl:m:{scene.home.id}" in _buttons(replies)


async def poll_results(scene: Scene) -> bool:
    poll = await scene.poll()
    return await scene.click(f"pl:r:{poll.id}")


async def polls_command(scene: Scene) -> bool:
    poll = await scene.poll()
    return f"pl:r:{poll.id}" in _buttons(await scene.command("/polls"))


async def close_poll(scene: Scene) -> bool:
    poll = await scene.poll()
    seen = await scene.click(f"pl:x:{poll.id}")
    async with scene.db.session() as session:
        status = (await session.get(Poll, poll.id)).status
    return scene.agree("pl:x", seen, status == "closed")


async def topic_from_poll(scene: Scene) -> bool:
    poll = await scene.poll()
    async with scene.db.session() as session:
        options = (
            await session.exec(select(PollOption).where(PollOption.poll_id == poll.id))
        ).all()
    proposed = next(option for option in options if option.topic_id is None)
    before = await scene.count(Topic, municipality_id=scene.home.id)
    seen = await scene.click(f"pl:mk:{proposed.id}")
    after = await scene.count(Topic, municipality_id=scene.home.id)
    return scene.agree("pl:mk", seen, after == before + 1)


async def monitoring_place(scene: Scene) -> bool:
    return await scene.click(f"mo:m:{scene.home.id}")


async def monitoring_call(scene: Scene) -> bool:
    call = await scene.published()
    return await scene.click(f"mo:c:{call.id}")


async def audit_page(scene: Scene) -> bool:
    call = await scene.published()
    return await scene.click(f"au:{call.id}:0")


async def audit_command(scene: Scene) -> bool:
    call = await scene.published()
    replies = await scene.command(f"/audit {call.id}")
    refused = {t("en", "audit-not-found", id=call.id), t("en", "staff-not-allowed")}
    return bool(replies) and all(reply.text not in refused for reply in replies)


async def channel_screen(scene: Scene) -> bool:
    seen = await scene.click(f"ch:m:{scene.home.id}")
    dialogue = await scene.dialogue()
    started = dialogue is not None and dialogue.name == "channel"
    return scene.agree("ch:m", seen, started and dialogue.data["municipality_id"] == scene.home.id)


async def channel_command(scene: Scene) -> bool:
    replies = await scene.command("/channel")
    dialogue = await scene.dialogue()
    started_here = (
        dialogue is not None
        and dialogue.name == "channel"
        and dialogue.data.get("municipality_id") == scene.home.id
    )
    return started_here or f"ch:m:{scene.home.id}" in _buttons(replies)


async def channel_remove(scene: Scene) -> bool:
    """Karakol has a channel; the actor presses "Disconnect the channel"."""

    async def set_channel(chat_id: int | None) -> Municipality:
        async with scene.db.session() as session:
            place = await session.get(Municipality, scene.home.id)
            place.channel_chat_id = chat_id
            place.channel_title = "Karakol SSP" if chat_id else None
            session.add(place)
            await session.commit()
            return place

    await set_channel(-1001000000001)
    seen = await scene.click(f"ch:off:{scene.home.id}")
    async with scene.db.session() as session:
        cleared = (await session.get(Municipality, scene.home.id)).channel_chat_id is None
    await set_channel(None)  # no channel for the other probes
    return scene.agree("ch:off", seen, cleared)


async def members_list(scene: Scene) -> bool:
    return await scene.click(f"mb:list:{scene.target.id}")


async def members_on_profile(scene: Scene) -> bool:
    """/profile: the card of the user's own organization, with its members button."""
    return f"mb:list:{scene.target.id}" in _buttons(await scene.command("/profile"))


async def invite_member(scene: Scene) -> bool:
    before = await scene.count(MemberInvitation, organization_id=scene.target.id)
    seen = await scene.click(f"mb:inv:{scene.target.id}")
    after = await scene.count(MemberInvitation, organization_id=scene.target.id)
    return scene.agree("mb:inv", seen, after == before + 1)


async def colleague(scene: Scene) -> Member:
    """Another member of the target NCO (never the last one), to be removed."""
    scene.applicants += 1
    async with scene.db.session() as session:
        user, _ = await get_or_create_user(
            session, telegram_id=63_000_000 + scene.user.id % 1000 * 100 + scene.applicants
        )
        member = Member(user_id=user.id, organization_id=scene.target.id, display_name="Colleague")
        session.add(member)
        await session.commit()
        await session.refresh(member)
        return member


async def ask_to_remove_member(scene: Scene) -> bool:
    member = await colleague(scene)
    return await scene.click(f"mb:rm:{member.id}")


async def remove_member(scene: Scene) -> bool:
    member = await colleague(scene)
    seen = await scene.click(f"mb:rmok:{member.id}")
    gone = await scene.count(Member, id=member.id) == 0
    return scene.agree("mb:rmok", seen, gone)


Probe = Callable[[Scene], Awaitable[bool]]

PROBES: dict[str, list[Probe]] = {
    "competition.create": [new_call_button, new_call_command],
    "competition.view": [view_calls, view_call, staff_home],
    "competition.edit": [edit_draft],
    "competition.publish": [publish_draft],
    "competition.amend": [amend_call],
    "competition.cancel": [cancel_call],
    "competition.share": [share_call],
    "announcement.send": [announce],
    "clarification.answer": [answer_question, open_questions],
    "broadcast.view": [broadcast_counts],
    "staff.invite": [invite_menu, invite_staff, invite_command],
    "selection.view": [selection_home, ranking],
    "selection.admit": [admit],
    "commission.assign": [assign_member],
    "commission.remind": [remind_members],
    "commission.score": [score_sheet, review_command],
    "decision.record": [decide],
    "decision.publish": [publish_decision],
    "export.call": [export_call],
    "report.view": [report_table, open_report],
    "report.review": [accept_report, send_report_back],
    "report.extend": [extend_report],
    "poll.create": [new_poll_button, new_poll_command],
    "poll.view": [poll_results, polls_command],
    "poll.close": [close_poll],
    "topic.create": [topic_from_poll],
    "channel.set": [channel_screen, channel_command, channel_remove],
    "monitoring.view": [monitoring_place, monitoring_call],
    "audit.view": [audit_page, audit_command],
    # An NCO's own actions, on the target NCO.
    "member.view": [members_list, members_on_profile],
    "member.invite": [invite_member],
    "member.remove": [ask_to_remove_member, remove_member],
}
# Actions in the table that no handler offers yet (nothing to try through the bot). The test
# below fails as soon as a handler mentions one: then it needs a probe above.
NOT_REACHABLE: dict[str, str] = {}


def test_every_action_has_a_probe() -> None:
    """A new action in ACTIONS needs a probe above; a probe for a removed action goes too."""
    covered = set(PROBES) | set(NOT_REACHABLE)
    every = set(ACTIONS) | ORGANIZATION_ACTIONS
    assert covered == every, (
        f"actions without a probe: {sorted(every - covered)}; "
        f"probes without an action: {sorted(covered - every)}"
    )
    handlers_source = "\n".join(
        path.read_text(encoding="utf-8")
        for path in (Path(__file__).parent.parent / "handlers").glob("*.py")
    )
    for action in NOT_REACHABLE:
        assert f'"{action}"' not in handlers_source, f"{action} is used by a handler: probe it"


def test_the_documented_table_is_the_table() -> None:
    """docs/security.md lists every action with exactly the roles ACTIONS gives it, and the
    NCO's own actions (its second table) as its members' only."""
    text = (Path(__file__).parent.parent / "docs" / "security.md").read_text(encoding="utf-8")
    municipal, _, organizational = text.partition("| NCO action |")
    expected = {
        action: {role.value for role in roles} | {"platform admin"}
        for action, roles in ACTIONS.items()
    }
    assert _documented(municipal, "| action |") == expected
    assert _documented("| NCO action |" + organizational, "| NCO action |") == {
        action: {"member of the organization"} for action in ORGANIZATION_ACTIONS
    }


def _documented(text: str, header_start: str) -> dict[str, set[str]]:
    """The first table starting with `header_start`: action -> the columns marked ✅."""
    header = re.search(
        rf"^{re.escape(header_start)}(.*)\|\s*$((?:\n\|.*)*)", text, flags=re.MULTILINE
    )
    assert header, f"docs/security.md has no table {header_start!r}"
    columns = [cell.strip() for cell in header.group(1).split("|")]
    rows = re.findall(r"^\| `([a-z_.]+)` \|(.*)\|\s*$", header.group(2), flags=re.MULTILINE)
    documented = {}
    for action, cells in rows:
        marks = [cell.strip() for cell in cells.split("|")][: len(columns)]
        documented[action] = {
            column for column, mark in zip(columns, marks, strict=False) if mark == "✅"
        }
    return documented


@pytest.fixture
async def admin_bot(
    standin: StandIn, seeded_database: Database, make_settings
) -> AsyncIterator[Application]:
    from bot.runner import running_bot

    settings = make_settings(bot_api_base_url=standin.url, platform_admin_ids=[PLATFORM_ADMIN_ID])
    async with running_bot(settings) as application:
        yield application
    problems = [c["method"] for c in standin.world.calls if c.get("spec_problems")]
    assert problems == []


async def _prepare(db: Database, actor: Actor, ncos: dict[str, Organization]) -> None:
    async with db.session() as session:
        user, _ = await get_or_create_user(session, telegram_id=actor.telegram_id)
        await set_language(session, telegram_id=actor.telegram_id, language="en")
        if actor.role is not None:
            place = await get_municipality(session, slug=actor.municipality)
            session.add(StaffRole(user_id=user.id, municipality_id=place.id, role=actor.role))
            await session.commit()
        if actor.nco is not None:
            user.consent_at = utcnow()
            session.add(Member(user_id=user.id, organization_id=ncos[actor.nco].id))
            await session.commit()


async def _ncos(db: Database, home: Municipality) -> dict[str, Organization]:
    """Two NCOs of Karakol, each with a founding member who is none of the actors."""
    found = {}
    async with db.session() as session:
        for number, name in enumerate((TARGET_NCO, OTHER_NCO)):
            founder, _ = await get_or_create_user(session, telegram_id=40_400 + number)
            organization = Organization(
                name=name,
                legal_form="public_foundation",
                inn=f"0000000000040{number}",
                municipality_id=home.id,
                phone="+996700000000",
                description="An NCO whose own actions the matrix tries.",
            )
            session.add(organization)
            await session.flush()
            session.add(Member(user_id=founder.id, organization_id=organization.id))
            await session.commit()
            await session.refresh(organization)
            found[name] = organization
    return found


async def test_every_action_for_every_kind_of_user_through_the_handlers(
    sandbox: SandboxClient, seeded_database: Database, admin_bot: Application
) -> None:
    async with seeded_database.session() as session:
        home = await get_municipality(session, slug=HOME)
    ncos = await _ncos(seeded_database, home)
    cells = failures = 0
    problems: list[str] = []
    for actor in actors():
        await _prepare(seeded_database, actor, ncos)
        user = sandbox.user(actor.telegram_id, first_name=actor.name.split()[0])
        await user.send("/help")
        anchor = (await settle(user))[0].message_id
        scene = Scene(admin_bot, seeded_database, user, home, anchor)
        scene.target = ncos[TARGET_NCO]
        for action, probes in PROBES.items():
            cells += 1  # one cell per (kind of user, reachable action)
            expected = actor.may(action)
            outcomes = {}
            for probe in probes:
                outcomes[probe.__name__] = await probe(scene)
                async with seeded_database.session() as session:
                    row, _ = await get_or_create_user(session, telegram_id=actor.telegram_id)
                    await end_dialogue(session, user_id=row.id)
            wrong = {name: got for name, got in outcomes.items() if got != expected}
            if wrong:
                failures += 1
                problems.append(f"{actor.name} / {action}: expected {expected}, got {wrong}")
        problems += [f"{actor.name}: {m}" for m in scene.mismatches]
    _record_figures(cells, failures)
    assert problems == [], "\n".join(problems)
    every = len(ACTIONS) + len(ORGANIZATION_ACTIONS)
    assert cells == len(actors()) * (every - len(NOT_REACHABLE))


def _record_figures(cells: int, failures: int) -> None:
    """benchmarks/resilience.py reads these (only when it runs the suite)."""
    directory = os.environ.get("SSP_RESILIENCE_OUT")
    if directory:
        path = Path(directory) / f"access-{os.getpid()}-{cells}-{id(cells)}.json"
        path.write_text(json.dumps({"cells": cells, "failures": failures}))
