"""``StandIn``: the stand-in Bot API server (bot side + control side) on a real TCP port.

Why a real HTTP server: python-telegram-bot is then exercised end to end (httpx, encoding,
multipart, timeouts), pointed at ``base_url=f"{url}/bot"`` instead of api.telegram.org.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Sequence
from types import TracebackType

from aiohttp import web

from sandbox.botapi import BotApi
from sandbox.control import Control, json_errors
from sandbox.webchat import WebChat
from sandbox.webhook import WebhookDeliverer
from sandbox.world import World

MAX_UPLOAD = 51 * 1024 * 1024  # Telegram accepts bot uploads up to 50 MB (+ form overhead)


def build_app(
    world: World, webchat: WebChat | None = None, extra_routes: Sequence[web.RouteDef] = ()
) -> web.Application:
    app = web.Application(client_max_size=MAX_UPLOAD, middlewares=[json_errors])
    bot = BotApi(world)
    app.router.add_route("*", "/bot{token}/{method}", bot.handle)
    app.router.add_get("/file/bot{token}/{file_path:.+}", bot.handle_file)
    app.router.add_routes(Control(world).routes())
    # The chat page at "/" (docs/webchat.md), and routes a host adds, such as the demo's outbox.
    app.router.add_routes((webchat or WebChat(world)).routes())
    app.router.add_routes(list(extra_routes))
    return app


class StandIn:
    """A local Telegram Bot API stand-in.

    ``async with StandIn() as s:`` → ``s.url``, ``s.bot_base_url``, ``s.file_base_url``,
    ``s.world`` (in-process state).
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_username: str = "ssp_test_bot",
        *,
        seed: int | None = None,
        strict: bool = True,
    ) -> None:
        self.host = host
        self.port = port
        self.world = World(bot_username=bot_username, seed=seed)
        self.world.strict = strict
        self._runner: web.AppRunner | None = None
        self._webhook = WebhookDeliverer(self.world)
        self.webchat = WebChat(self.world)  # the chat page; add personas and panels here
        self.extra_routes: list[web.RouteDef] = []  # added to the app at start()

    @property
    def url(self) -> str:
        if self._runner is None:
            raise RuntimeError("StandIn is not started")
        return f"http://{self.host}:{self.port}"

    @property
    def bot_base_url(self) -> str:
        """Pass as python-telegram-bot ``base_url``."""
        return f"{self.url}/bot"

    @property
    def file_base_url(self) -> str:
        """Pass as python-telegram-bot ``base_file_url``."""
        return f"{self.url}/file/bot"

    async def start(self) -> None:
        self.world.closing = False
        # handler_cancellation: a request whose client hung up (e.g. python-telegram-bot
        # stopping its long poll) is cancelled, as Telegram drops it, instead of lingering.
        runner = web.AppRunner(
            build_app(self.world, self.webchat, self.extra_routes),
            handle_signals=False,
            shutdown_timeout=2.0,
            handler_cancellation=True,
        )
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self._runner = runner
        self.port = runner.addresses[0][1]  # the real port when 0 was asked for
        self.world.public_url = self.url
        self._webhook.start()

    async def stop(self) -> None:
        if self._runner is None:
            return
        self.world.closing = True
        self.world.notify()  # long polls return at once
        await self._webhook.stop()
        await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> StandIn:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()


def serve_forever(
    host: str = "127.0.0.1", port: int = 8081, bot_username: str = "ssp_test_bot"
) -> None:
    """Run a stand-in until Ctrl-C or SIGTERM (for ``ssp-bot sandbox --port N``)."""

    async def main() -> None:
        stop = asyncio.Event()
        # Both signals explicitly, as `ssp-bot run` and `demo` do: a process started in the
        # background by a non-interactive shell inherits SIGINT as ignored.
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):  # not on Windows
                asyncio.get_running_loop().add_signal_handler(signum, stop.set)
        async with StandIn(host, port, bot_username) as standin:
            print(f"Bot API stand-in listening on {standin.url}", flush=True)
            print(f"  base_url={standin.bot_base_url}  base_file_url={standin.file_base_url}")
            print(f"  control API: {standin.url}/sandbox/  (Ctrl-C stops)", flush=True)
            print(f"  chat page: {standin.url}/", flush=True)
            await stop.wait()
        print("stand-in stopped", flush=True)

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        print("stand-in stopped", flush=True)
