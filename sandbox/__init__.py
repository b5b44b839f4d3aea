"""A local stand-in for the Telegram Bot API server, for tests and demos.

``StandIn`` serves the bot side (``/bot{token}/{method}``, ``/file/bot{token}/{path}``) and a
control API (``/sandbox/...``); ``SandboxClient`` drives simulated users through the latter.
See docs/sandbox.md.
"""

from sandbox.client import BotEvent, SandboxClient, SandboxError, SandboxUser
from sandbox.server import StandIn, serve_forever

__all__ = ["BotEvent", "SandboxClient", "SandboxError", "SandboxUser", "StandIn", "serve_forever"]
