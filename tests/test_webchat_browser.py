"""The chat page in a real browser: headless Chromium from Debian's packages, driven by Selenium
through /usr/bin/chromedriver (never a downloaded browser or driver), against the demo as
`ssp-bot demo` runs it (stand-in + page + the real bot + the demo database), on a free port.

A new user is added (named like an HTML tag: it must show as text), goes through /start, the
language choice and a subscription by clicking, uploads a file through the picker; the staff
persona sends an announcement and the NCO personas see it arrive (unread count, then the chat);
the outbox view counts it; the reminders control sends what falls due in 300 hours, and the
outbox view counts those too. An awarded NCO of the demo files its overdue report with a photo
and a location shared through 📎 → Location (a location out of range is refused by the stand-in
and nothing is sent), and the staff open it with the photo's location. Screenshots of the page
go to docs/ (SCREENSHOTS=1) or tmp."""

from __future__ import annotations

import asyncio
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.demo import demo_page
from bot.demo_data import PERSONAS
from bot.demo_story import DECIDED_CALL_TITLE
from bot.i18n import t
from bot.settings import Settings
from tests import samples

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
REPOSITORY = Path(__file__).resolve().parent.parent
WAIT = 15  # seconds for the bot's answer to show on the page
EVIL_NAME = "<img src=x onerror=alert(1)>"
ANNOUNCEMENT = "Information session for NCOs: 5 March, 10:00, city hall, room 12."

selenium = pytest.importorskip("selenium", reason="selenium is not installed (dev dependency)")
pytestmark = [
    pytest.mark.skipif(
        not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
        reason="needs Debian's chromium and chromium-driver (/usr/bin/chromium, "
        "/usr/bin/chromedriver): apt-get install -y chromium chromium-driver",
    ),
    pytest.mark.timeout(240),
]

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import (  # noqa: E402
    NoAlertPresentException,
    StaleElementReferenceException,
    TimeoutException,
)
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.remote.webelement import WebElement  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@dataclass
class RunningDemo:
    url: str
    database: Path


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningDemo]:
    """The demo on a free port, in a thread of its own: Selenium blocks, the bot must not.
    In tmp_path: the bot keeps the files it receives under data/files there."""
    monkeypatch.chdir(tmp_path)
    started = threading.Event()
    box: dict[str, object] = {}

    async def serve() -> None:
        stop = asyncio.Event()
        box["stop"] = stop
        box["loop"] = asyncio.get_running_loop()
        settings = Settings(_env_file=None)
        async with demo_page(
            settings, reset=True, port=0, database=tmp_path / "demo.sqlite3"
        ) as page:
            box["demo"] = RunningDemo(page.url, page.database)
            started.set()
            await stop.wait()

    def run() -> None:
        try:
            asyncio.run(serve())
        except BaseException as error:  # reported by the fixture below
            box["error"] = error
        finally:
            started.set()

    thread = threading.Thread(target=run, name="demo", daemon=True)
    thread.start()
    assert started.wait(60), "the demo did not start within 60 s"
    if "error" in box:
        raise AssertionError(f"the demo failed to start: {box['error']!r}")
    try:
        yield box["demo"]  # type: ignore[misc]
    finally:
        loop: asyncio.AbstractEventLoop = box["loop"]  # type: ignore[assignment]
        loop.call_soon_threadsafe(box["stop"].set)  # type: ignore[union-attr]
        thread.join(30)
        assert not thread.is_alive(), "the demo did not stop within 30 s"
        assert "error" not in box, box.get("error")


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[WebDriver]:
    os.environ["SE_OFFLINE"] = "1"  # never let selenium-manager fetch anything
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,820",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.implicitly_wait(0)
    try:
        yield driver
    finally:
        driver.quit()


# -- acting on the page ---------------------------------------------------------------------


def wait_for(driver: WebDriver, condition, what: str, timeout: float = WAIT):
    try:
        return WebDriverWait(
            driver, timeout, poll_frequency=0.1, ignored_exceptions=[StaleElementReferenceException]
        ).until(lambda d: condition(d))
    except TimeoutException:
        messages = [m.text for m in driver.find_elements(By.CSS_SELECTOR, "#messages .msg")]
        raise AssertionError(f"timed out waiting for {what}; chat shows: {messages}") from None


def bubbles(driver: WebDriver) -> list[WebElement]:
    return driver.find_elements(By.CSS_SELECTOR, "#messages .msg")


def wait_for_text(driver: WebDriver, text: str) -> WebElement:
    def found(d: WebDriver) -> WebElement | bool:
        for bubble in reversed(bubbles(d)):
            if text in bubble.find_element(By.CSS_SELECTOR, ".bubble").text:
                return bubble
        return False

    return wait_for(driver, found, f"a message with {text!r}")


def button(driver: WebDriver, css: str, label: str, *, exact: bool = False) -> WebElement:
    def found(d: WebDriver) -> WebElement | bool:
        for candidate in reversed(d.find_elements(By.CSS_SELECTOR, css)):
            text = candidate.text.strip()
            if (text == label) if exact else (label in text):
                return candidate
        return False

    return wait_for(driver, found, f"a button {label!r}")


def tap_inline(driver: WebDriver, label: str, *, exact: bool = False) -> None:
    button(driver, "#messages .inline-keyboard button", label, exact=exact).click()


def tap_reply(driver: WebDriver, label: str) -> None:
    button(driver, "#reply-keyboard button", label).click()


def type_and_send(driver: WebDriver, text: str) -> None:
    box = driver.find_element(By.ID, "text")
    box.send_keys(text)
    driver.find_element(By.ID, "send").click()


def persona_item(driver: WebDriver, user_id: int) -> WebElement:
    return wait_for(
        driver,
        lambda d: d.find_elements(By.CSS_SELECTOR, f'#personas li[data-id="{user_id}"]'),
        f"persona {user_id}",
    )[0]


def open_persona(driver: WebDriver, user_id: int) -> None:
    persona_item(driver, user_id).click()
    wait_for(
        driver,
        lambda d: d.find_elements(By.CSS_SELECTOR, f'#personas li.active[data-id="{user_id}"]'),
        f"persona {user_id} selected",
    )


def assert_no_alert(driver: WebDriver) -> None:
    try:
        alert = driver.switch_to.alert
    except NoAlertPresentException:
        return
    text = alert.text
    alert.dismiss()
    raise AssertionError(f"a script ran: alert({text!r})")


def text_of(key: str, **args: object) -> str:
    """A bot text as the page shows it: the HTML tags are formatting, not text."""
    return re.sub(r"<[^>]+>", "", t("en", key, **args))


def share_location(driver: WebDriver, latitude: str, longitude: str) -> None:
    """📎 → Location, the coordinates typed, Send location."""
    driver.find_element(By.ID, "attach").click()
    wait_for(driver, lambda d: d.find_element(By.ID, "attach-menu").is_displayed(), "the menu")
    driver.find_element(By.ID, "attach-location").click()
    for field, value in (("location-latitude", latitude), ("location-longitude", longitude)):
        box = driver.find_element(By.ID, field)
        box.clear()
        box.send_keys(value)
    driver.find_element(By.ID, "send-location").click()


def screenshot(driver: WebDriver, name: str, tmp_path: Path) -> None:
    """Into docs/ when SCREENSHOTS=1 (to refresh the README's pictures), else into tmp."""
    folder = REPOSITORY / "docs" if os.environ.get("SCREENSHOTS") == "1" else tmp_path
    driver.save_screenshot(str(folder / name))


# -- the tests ------------------------------------------------------------------------------


def test_a_new_user_onboards_subscribes_uploads_and_sees_an_announcement(
    demo: RunningDemo, browser: WebDriver, tmp_path: Path
) -> None:
    driver = browser
    driver.get(demo.url + "/")
    wait_for(driver, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready"),
             "the page to start")  # fmt: skip
    names = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#personas .persona-name")]
    assert names == [persona.first_name for persona in PERSONAS]
    status = driver.find_element(By.ID, "bot-state")
    wait_for(driver, lambda d: "online" in status.text, "the bot to show as online")

    # A new blank user whose name is an HTML tag: shown as text, no script runs.
    driver.find_element(By.ID, "new-name").send_keys(EVIL_NAME)
    driver.find_element(By.ID, "new-add").click()
    name = wait_for(
        driver,
        lambda d: [e for e in d.find_elements(By.CSS_SELECTOR, ".persona-name")
                   if e.text == EVIL_NAME],
        "the new persona",
    )[0]  # fmt: skip
    new_id = int(name.find_element(By.XPATH, "./ancestor::li").get_attribute("data-id"))
    assert driver.find_element(By.ID, "chat-name").text == EVIL_NAME
    assert not driver.find_elements(By.CSS_SELECTOR, "#personas img, .chat-head img")
    assert_no_alert(driver)

    # /start from the START button, then the language by tapping.
    wait_for(driver, lambda d: d.find_element(By.ID, "start-button").is_displayed(), "START")
    driver.find_element(By.ID, "start-button").click()
    wait_for_text(driver, "/start")
    tap_inline(driver, t("en", "language-name"))
    wait_for(
        driver,
        lambda d: d.find_elements(By.CSS_SELECTOR, "#reply-keyboard button"),
        "the main menu keyboard",
    )
    assert not driver.find_elements(By.CSS_SELECTOR, "#messages .bubble img")

    # Subscriptions: consent, then Karakol, all topics, Back, Done (edits in place).
    tap_reply(driver, t("en", "menu-subscriptions"))
    tap_inline(driver, t("en", "consent-yes"))
    tap_inline(driver, "➕ Karakol Mayor's Office")
    edited = wait_for_text(driver, "which topics interest you?")
    edited_id = edited.get_attribute("data-id")
    assert edited.find_element(By.CSS_SELECTOR, ".bubble b").text == "Karakol Mayor's Office"
    tap_inline(driver, "▫️ " + t("en", "subs-all-topics-button"))
    button(driver, "#messages .inline-keyboard button", "✅ " + t("en", "subs-all-topics-button"))
    assert len(driver.find_elements(By.CSS_SELECTOR, f'.msg[data-id="{edited_id}"]')) == 1
    tap_inline(driver, t("en", "subs-back"))
    tap_inline(driver, t("en", "subs-done"))
    wait_for_text(driver, t("en", "subs-saved"))

    # A file through the picker: it shows as the user's document, with a download link.
    pdf = tmp_path / "charter.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    driver.find_element(By.ID, "file-input").send_keys(str(pdf))
    wait_for(driver, lambda d: d.find_element(By.ID, "pending-file").is_displayed(), "the file")
    driver.find_element(By.ID, "send-as-document").click()
    link = wait_for(
        driver,
        lambda d: d.find_elements(By.CSS_SELECTOR, ".msg.out a.doc"),
        "the uploaded document",
    )[0]
    assert "charter.pdf" in link.text
    assert link.get_attribute("href").startswith(demo.url + "/sandbox/files/")
    screenshot(driver, "webchat-nco.png", tmp_path)

    # The staff member sends an announcement...
    staff = next(p for p in PERSONAS if p.role.startswith("Staff"))
    open_persona(driver, staff.telegram_id)
    type_and_send(driver, "/staff")
    tap_inline(driver, t("en", "staff-announce"))
    wait_for_text(driver, "Type the announcement")
    type_and_send(driver, ANNOUNCEMENT)
    wait_for_text(driver, t("en", "wz-announcement-preview"))
    tap_inline(driver, t("en", "wz-send"))
    wait_for_text(driver, t("en", "wz-announcement-sent"))

    # ...and it arrives: unread counts on the subscribers, the text in their chats.
    leader = PERSONAS[0]

    def unread(d: WebDriver) -> str | bool:
        badge = d.find_elements(
            By.CSS_SELECTOR, f'#personas li[data-id="{leader.telegram_id}"] .unread'
        )
        return badge[0].text if badge else False

    assert wait_for(driver, unread, "an unread count on the NCO leader", timeout=20) == "1"
    new_badge = driver.find_elements(By.CSS_SELECTOR, f'#personas li[data-id="{new_id}"] .unread')
    assert new_badge and new_badge[0].text == "1"
    # The helpers panel's outbox view counts the deliveries (it refreshes while open).
    driver.find_element(By.ID, "helpers-toggle").click()

    def delivered(d: WebDriver) -> list[str] | bool:
        rows = d.find_elements(By.CSS_SELECTOR, "#outbox tr[data-broadcast]")
        if not rows or "announcement" not in rows[0].get_attribute("title"):
            return False
        cells = [cell.text for cell in rows[0].find_elements(By.CSS_SELECTOR, "td.n")]
        return cells if cells[2] == "4" else False  # queued, sending, sent, failed, blocked

    # Sent to the three NCO leaders (they consented) and the new user.
    assert wait_for(driver, delivered, "4 sent in the outbox view", timeout=20) == [
        "0", "0", "4", "0", "0"
    ]  # fmt: skip
    # "Run due reminders now" as if 300 hours had passed: the open call closes in 14 days, so
    # its 2-day reminders go out through the outbox, and the outbox view counts them.
    hours = driver.find_element(By.ID, "reminder-hours")
    hours.clear()
    hours.send_keys("300")
    driver.find_element(By.ID, "run-reminders").click()

    def ran(d: WebDriver) -> str | bool:
        result = d.find_element(By.ID, "reminders-result")
        return result.get_attribute("data-done") or False

    sent = wait_for(driver, ran, "the result of the reminders run")
    assert int(sent) >= 1, driver.find_element(By.ID, "reminders-result").text

    def counted(d: WebDriver) -> list[str] | bool:
        rows = d.find_elements(By.CSS_SELECTOR, '#outbox tr[data-broadcast="reminders"]')
        cells = (
            [cell.text for cell in rows[0].find_elements(By.CSS_SELECTOR, "td.n")] if rows else []
        )
        return cells if cells and cells[2] == sent else False

    assert wait_for(driver, counted, "the reminders in the outbox view", timeout=20)[2] == sent
    screenshot(driver, "webchat-staff.png", tmp_path)
    driver.find_element(By.ID, "helpers-close").click()

    open_persona(driver, leader.telegram_id)
    wait_for_text(driver, ANNOUNCEMENT)
    assert not driver.find_elements(
        By.CSS_SELECTOR, f'#personas li[data-id="{leader.telegram_id}"] .unread'
    )
    assert_no_alert(driver)
    problems = [
        entry["message"]
        for entry in driver.get_log("browser")
        if entry["level"] == "SEVERE" and "favicon" not in entry["message"]
    ]
    assert not problems, problems


def test_an_awarded_nco_files_its_overdue_report_with_a_photo_and_a_location(
    demo: RunningDemo, browser: WebDriver, tmp_path: Path
) -> None:
    driver = browser
    driver.get(demo.url + "/")
    wait_for(driver, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready"),
             "the page to start")  # fmt: skip
    title = DECIDED_CALL_TITLE["en"]
    report = t("en", "rep-name-periodic", number=1)
    dinara = next(p for p in PERSONAS if p.first_name == "Dinara")
    open_persona(driver, dinara.telegram_id)
    # The story's messages are in her chat: the decision points to /reports.
    wait_for_text(driver, "is among the winners")
    type_and_send(driver, "/reports")
    wait_for_text(driver, text_of("rep-list-title"))
    tap_inline(driver, f"📝 {report} · {title}", exact=True)
    wait_for_text(driver, text_of("rep-state-overdue"))
    tap_inline(driver, t("en", "rep-file-button"), exact=True)
    wait_for_text(driver, t("en", "rep-ask-text", minimum=20, maximum=3000))
    type_and_send(driver, "Daily clubs ran for six weeks; 58 children came regularly.")
    wait_for_text(driver, t("en", "rep-ask-beneficiaries"))
    type_and_send(driver, "58")
    wait_for_text(driver, "How much money was spent")
    type_and_send(driver, "120 000")
    wait_for_text(driver, "Attached so far: 0")

    # A location out of range: the stand-in refuses it, the page says so, nothing is sent.
    sent_before = len(driver.find_elements(By.CSS_SELECTOR, ".msg.out"))
    share_location(driver, "123", "78.3936")
    wait_for(
        driver,
        lambda d: [e for e in d.find_elements(By.CSS_SELECTOR, "#toasts .toast.error")
                   if "Location not shared" in e.text and "out of range" in e.text],
        "the stand-in's refusal",
    )  # fmt: skip
    assert len(driver.find_elements(By.CSS_SELECTOR, ".msg.out")) == sent_before
    assert driver.find_element(By.ID, "location-form").is_displayed()  # to correct it
    # A location before any photo: it goes, and the bot asks for the photos first.
    share_location(driver, "42.4907", "78.3936")
    shared = wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".msg.out .location"),
                      "the shared location")  # fmt: skip
    assert shared[-1].text == "📍 Location: 42.49070, 78.39360"
    assert not driver.find_element(By.ID, "location-form").is_displayed()
    wait_for_text(driver, t("en", "rep-location-needs-photo"))

    # A photo through the picker, then its location.
    photo = tmp_path / "club.png"
    photo.write_bytes(samples.png(240, 160))
    driver.find_element(By.ID, "file-input").send_keys(str(photo))
    wait_for(driver, lambda d: d.find_element(By.ID, "send-as-photo").is_displayed(), "the photo")
    driver.find_element(By.ID, "send-as-photo").click()
    wait_for_text(driver, "✅ Received “photo-")  # a photo has no file name in Telegram
    assert driver.find_elements(By.CSS_SELECTOR, ".msg.out .bubble img.photo")
    share_location(driver, "42.4907", "78.3936")
    wait_for_text(driver, text_of("rep-location-saved", count=1))
    tap_inline(driver, t("en", "rep-files-done"), exact=True)
    wait_for_text(driver, "photos 1 (with a location: 1)")
    tap_inline(driver, t("en", "rep-send"), exact=True)
    wait_for_text(driver, text_of("rep-filed", report=report, title=title))
    wait_for(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, "#toasts .toast"),
             "the toasts to go")  # fmt: skip
    screenshot(driver, "webchat-report.png", tmp_path)

    # The staff member is told, opens the report, and sees the photo with where it was taken.
    staff = next(p for p in PERSONAS if p.role.startswith("Staff"))
    badge = f'#personas li[data-id="{staff.telegram_id}"] .unread'
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, badge), "an unread count", 20)
    open_persona(driver, staff.telegram_id)
    wait_for_text(driver, "Association «Bright Future» has filed")
    tap_inline(driver, t("en", "rep-open"), exact=True)
    located = wait_for_text(driver, "42.49070, 78.39360")
    assert located.find_elements(By.CSS_SELECTOR, ".bubble img.photo")
    assert_no_alert(driver)


def test_phone_sized_screen_shows_one_pane_at_a_time(
    demo: RunningDemo, browser: WebDriver, tmp_path: Path
) -> None:
    driver = browser
    driver.set_window_size(390, 844)
    driver.get(demo.url + "/")
    wait_for(driver, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready"),
             "the page to start")  # fmt: skip
    assert not driver.find_element(By.ID, "text").is_displayed()  # the list first
    open_persona(driver, PERSONAS[2].telegram_id)
    assert not driver.find_element(By.ID, "personas").is_displayed()
    # Her chat holds the decided call's story (so no START button): /start typed.
    wait_for_text(driver, "is among the winners")
    type_and_send(driver, "/start")
    wait_for_text(driver, t("en", "start-welcome-back", name=PERSONAS[2].first_name))
    tap_reply(driver, t("en", "menu-subscriptions"))
    wait_for_text(driver, "Your subscriptions")
    width = driver.execute_script("return document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width} px)"
    screenshot(driver, "webchat-phone.png", tmp_path)
    driver.find_element(By.ID, "back").click()
    assert driver.find_element(By.ID, "personas").is_displayed()


def test_the_page_says_so_when_the_stand_in_goes_away_and_comes_back(
    tmp_path: Path, browser: WebDriver
) -> None:
    """Stop the whole demo (stand-in and bot) and start it again on the same port."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    database = tmp_path / "demo.sqlite3"

    def start() -> tuple[threading.Thread, dict]:
        box: dict[str, object] = {}
        started = threading.Event()

        async def serve() -> None:
            box["stop"] = asyncio.Event()
            box["loop"] = asyncio.get_running_loop()
            async with demo_page(Settings(_env_file=None), port=port, database=database):
                started.set()
                await box["stop"].wait()  # type: ignore[union-attr]

        thread = threading.Thread(target=lambda: asyncio.run(serve()), daemon=True)
        thread.start()
        assert started.wait(60)
        return thread, box

    def stop(thread: threading.Thread, box: dict) -> None:
        box["loop"].call_soon_threadsafe(box["stop"].set)
        thread.join(30)

    thread, box = start()
    driver = browser
    driver.get(f"http://127.0.0.1:{port}/")
    wait_for(driver, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready"),
             "the page to start")  # fmt: skip
    open_persona(driver, PERSONAS[0].telegram_id)
    stop(thread, box)
    banner = driver.find_element(By.ID, "banner")
    wait_for(driver, lambda d: "reconnecting" in banner.text, "the lost-connection banner", 40)
    thread, box = start()
    try:
        wait_for(driver, lambda d: "Reconnected" in banner.text, "the reconnected banner", 20)
        driver.find_element(By.ID, "start-button").click()
        wait_for_text(driver, "/start")
        # The bot answers again, after the restart, from the reused demo database.
        wait_for_text(driver, t("ru", "start-welcome-back", name=PERSONAS[0].first_name))
    finally:
        stop(thread, box)
