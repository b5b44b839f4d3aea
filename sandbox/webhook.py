"""Webhook delivery: POST each queued update to the bot's webhook URL, in order.

Why: a bot run with ``run_webhook`` must receive updates the way Telegram pushes them (JSON body,
``X-Telegram-Bot-Api-Secret-Token`` header); failed deliveries stay queued and are retried, and
the error shows up in getWebhookInfo like on the real server.
"""

from __future__ import annotations

import asyncio
import contextlib
import time

import aiohttp

from sandbox.world import World

ATTEMPTS = 3  # quick retries of one update before backing off
RETRY_DELAYS = (0.05, 0.2)
IDLE_RETRY = 2.0  # after failed attempts, try again this often (or on any change)


class WebhookDeliverer:
    def __init__(self, world: World) -> None:
        self.world = world
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="sandbox-webhook")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        world = self.world
        timeout = aiohttp.ClientTimeout(total=10)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while not world.closing:
                await world.wait_for(lambda: bool(world.webhook.url and world.updates), 3600)
                if world.closing:
                    return
                if not (world.webhook.url and world.updates):
                    continue
                update = world.updates[0]
                if await self._deliver(session, update):
                    if world.updates and world.updates[0] is update:
                        world.updates.popleft()
                        world.notify()
                    continue
                # Keep it queued; wait for any change (new update, new webhook) or a while.
                state = (world.webhook.url, len(world.updates))
                await world.wait_for(
                    lambda s=state: (world.webhook.url, len(world.updates)) != s, IDLE_RETRY
                )

    async def _deliver(self, session: aiohttp.ClientSession, update: dict) -> bool:
        wh = self.world.webhook
        headers = {"Content-Type": "application/json"}
        if wh.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = wh.secret_token
        error = "unknown error"
        for attempt in range(ATTEMPTS):
            try:
                async with session.post(wh.url, json=update, headers=headers) as resp:
                    await resp.read()
                    if 200 <= resp.status < 300:
                        return True
                    error = f"Wrong response from the webhook: {resp.status} {resp.reason}"
            except (aiohttp.ClientError, TimeoutError, OSError) as err:
                error = f"Connection failed: {type(err).__name__}"
            if attempt < len(RETRY_DELAYS):
                await asyncio.sleep(RETRY_DELAYS[attempt])
        wh.last_error_date = int(time.time())
        wh.last_error_message = error
        self.world.notify()
        return False
