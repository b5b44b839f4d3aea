"""``python -m sandbox [--host H] [--port N]``: run the stand-in until Ctrl-C."""

from __future__ import annotations

import argparse

from sandbox.server import serve_forever


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--bot-username", default="ssp_test_bot")
    args = parser.parse_args(argv)
    serve_forever(args.host, args.port, args.bot_username)


if __name__ == "__main__":
    main()
