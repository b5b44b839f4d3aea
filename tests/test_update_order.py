"""One chat's updates in order, different chats at once."""

from __future__ import annotations

import asyncio

from telegram import Chat, Message, Update

from bot.update_order import PerChatUpdateProcessor, slot_released


def update_in(chat_id: int, update_id: int) -> Update:
    chat = Chat(chat_id, "private")
    return Update(update_id, message=Message(update_id, None, chat))  # type: ignore[arg-type]


async def test_one_chat_in_order_while_another_chat_proceeds() -> None:
    processor = PerChatUpdateProcessor(max_concurrent_updates=8)
    log: list[str] = []
    release_slow = asyncio.Event()

    async def handle(name: str, *, wait: asyncio.Event | None = None) -> None:
        log.append(f"start {name}")
        if wait is not None:
            await wait.wait()
        log.append(f"end {name}")

    tasks = [
        asyncio.create_task(
            processor.process_update(update_in(1, 1), handle("a1", wait=release_slow))
        ),
        asyncio.create_task(processor.process_update(update_in(1, 2), handle("a2"))),
        asyncio.create_task(processor.process_update(update_in(2, 3), handle("b1"))),
    ]
    await asyncio.sleep(0.05)
    # Chat 2 was not held up by chat 1's slow update; chat 1's second update waits its turn.
    assert log == ["start a1", "start b1", "end b1"]
    release_slow.set()
    await asyncio.gather(*tasks)
    assert log[3:] == ["end a1", "start a2", "end a2"]
    assert processor._locks == {}  # idle chats are forgotten


async def test_many_updates_of_one_chat_keep_their_order() -> None:
    processor = PerChatUpdateProcessor(max_concurrent_updates=2)
    seen: list[int] = []

    async def handle(number: int) -> None:
        await asyncio.sleep(0.001 * (number % 3))
        seen.append(number)

    await asyncio.gather(*(processor.process_update(update_in(7, n), handle(n)) for n in range(50)))
    assert seen == list(range(50))


async def test_at_most_the_limit_at_once_and_the_rest_in_order_of_arrival() -> None:
    """Updates of different chats beyond the limit wait, and start in the order they came."""
    processor = PerChatUpdateProcessor(max_concurrent_updates=2)
    started: list[int] = []
    running = 0
    most = 0
    go = asyncio.Event()

    async def handle(number: int) -> None:
        nonlocal running, most
        started.append(number)
        running += 1
        most = max(most, running)
        await go.wait()
        await asyncio.sleep(0.001)
        running -= 1

    tasks = [
        asyncio.create_task(processor.process_update(update_in(100 + n, n), handle(n)))
        for n in range(6)
    ]
    await asyncio.sleep(0.05)
    assert started == [0, 1] and processor.current_concurrent_updates == 2
    go.set()
    await asyncio.gather(*tasks)
    assert started == [0, 1, 2, 3, 4, 5]
    assert most == 2 and processor.current_concurrent_updates == 0


async def test_a_long_wait_gives_its_slot_to_the_next_update() -> None:
    """While one update waits for something that needs no CPU (a download), another chat's
    update is handled in its slot; the first then waits for a slot again and finishes."""
    processor = PerChatUpdateProcessor(max_concurrent_updates=1)
    log: list[str] = []
    downloaded = asyncio.Event()

    async def upload() -> None:
        log.append("upload starts")
        async with slot_released():
            await downloaded.wait()
        log.append("upload ends")

    async def quick() -> None:
        log.append("quick")

    first = asyncio.create_task(processor.process_update(update_in(1, 1), upload()))
    await asyncio.sleep(0.01)
    second = asyncio.create_task(processor.process_update(update_in(2, 2), quick()))
    await asyncio.sleep(0.05)
    assert log == ["upload starts", "quick"]  # with the slot held, "quick" would still wait
    assert processor.current_concurrent_updates == 0
    downloaded.set()
    await asyncio.gather(first, second)
    assert log == ["upload starts", "quick", "upload ends"]
    assert processor.current_concurrent_updates == 0


async def test_a_released_slot_is_taken_back_only_when_one_is_free() -> None:
    """After its wait, the update queues for a slot like any other: the limit still holds."""
    processor = PerChatUpdateProcessor(max_concurrent_updates=1)
    log: list[str] = []
    downloaded, busy_done = asyncio.Event(), asyncio.Event()

    async def upload() -> None:
        async with slot_released():
            await downloaded.wait()
        log.append("upload ends")

    async def busy() -> None:
        log.append("busy starts")
        await busy_done.wait()
        log.append("busy ends")

    first = asyncio.create_task(processor.process_update(update_in(1, 1), upload()))
    await asyncio.sleep(0.01)
    second = asyncio.create_task(processor.process_update(update_in(2, 2), busy()))
    await asyncio.sleep(0.01)
    downloaded.set()  # the download is done, but "busy" has the only slot
    await asyncio.sleep(0.05)
    assert log == ["busy starts"]
    busy_done.set()
    await asyncio.gather(first, second)
    assert log == ["busy starts", "busy ends", "upload ends"]


async def test_a_rush_of_downloads_cannot_take_every_connection() -> None:
    """Each update holds a connection from a pool (here 4) and downloads with its slot given
    away. Were every update allowed away, the updates away would hold all connections, the
    ones in the slots would wait for a connection and those away for a slot: nothing would
    move. With at most one away (2 slots: 2 + 1 connections in use), all 30 finish."""
    processor = PerChatUpdateProcessor(max_concurrent_updates=2, max_away=1)
    pool = asyncio.Semaphore(4)
    done: list[int] = []

    async def upload(number: int) -> None:
        async with pool:  # the update's database session
            async with slot_released():
                await asyncio.sleep(0.01)  # the download
            done.append(number)

    updates = (processor.process_update(update_in(200 + n, n), upload(n)) for n in range(30))
    await asyncio.wait_for(asyncio.gather(*updates), timeout=10)
    assert sorted(done) == list(range(30))
    assert processor.current_concurrent_updates == 0
