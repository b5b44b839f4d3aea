"""One chat's updates in order, different chats at once."""

from __future__ import annotations

import asyncio

from telegram import Chat, Message, Update

from bot.update_order import PerChatUpdateProcessor


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
