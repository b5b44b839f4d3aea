"""Resilience figures of issue 9 in one command.

    python -m benchmarks.resilience                       # SQLite (and PostgreSQL too when
    TEST_DATABASE_URL=postgresql://... python -m benchmarks.resilience      # it is set)
    python -m benchmarks.resilience --fuzz-examples 200 --flood-seconds 10

What it does:
1. counts the tests marked `bad_input` across the suite (`pytest --collect-only -m bad_input`;
   a test run on SQLite and PostgreSQL counts twice) -> bad_inputs_tested;
2. runs the fuzz, access-matrix, fault and log tests (tests/test_fuzz.py,
   tests/test_access_matrix.py, tests/test_faults.py, tests/test_logs.py) with more fuzz
   examples than the suite uses; each writes its figures into a folder this command reads ->
   fuzz_examples, fuzz_failures, access_matrix_cells, access_matrix_failures, fault_runs,
   lost, duplicates, secrets_in_logs (tests_failed: pytest's count of failed tests there);
3. floods: the real bot with the shipped limits (FLOOD_BURST=20, FLOOD_RATE_PER_SECOND=1) on
   SQLite against the stand-in; one chat sends 50 updates a second for `--flood-seconds` while
   ten other users each send /help every 1.5 s (a person's pace, under the limit) and time each
   reply (send -> reply seen over the control API) -> flood_victim_p99_ms (and _p50_ms,
   flood_updates, flood_dropped, and flood_replies: messages the bot sent to the flooding
   chat, each one a flood update that cost a handler and a Bot API call).

The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VICTIMS = 10  # other users, each asking at a person's pace while the flood goes on
TOKEN = "123456789:BENCH-token_for-the-local-stand-in"  # noqa: S105 (the stand-in takes any)


def _pytest(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args]
    return subprocess.run(  # noqa: S603 (our own test suite)
        command, cwd=ROOT, capture_output=True, text=True, env={**os.environ, **(env or {})}
    )


def bad_inputs_tested() -> int:
    result = _pytest("--collect-only", "-q", "-m", "bad_input")
    match = re.search(r"(\d+)(?:/\d+)? tests? (?:collected|selected)", result.stdout)
    return int(match.group(1)) if match else 0


def resilience_tests(fuzz_examples: int) -> dict[str, int]:
    with tempfile.TemporaryDirectory(prefix="ssp-resilience-") as out:
        result = _pytest(
            "-q",
            "tests/test_fuzz.py",
            "tests/test_access_matrix.py",
            "tests/test_faults.py",
            "tests/test_logs.py",
            env={"SSP_RESILIENCE_OUT": out, "SSP_FUZZ_EXAMPLES": str(fuzz_examples)},
        )
        figures = {
            "fuzz_examples": 0,
            "fuzz_failures": 0,
            "access_matrix_cells": 0,
            "access_matrix_failures": 0,
            "fault_runs": 0,
            "lost": 0,
            "duplicates": 0,
            "secrets_in_logs": 0,
        }
        for path in Path(out).iterdir():
            data = json.loads(path.read_text())
            if path.name.startswith("fuzz-"):
                figures["fuzz_examples"] += data["examples"]
                figures["fuzz_failures"] += data["failures"]
            elif path.name.startswith("access-"):
                figures["access_matrix_cells"] += data["cells"]
                figures["access_matrix_failures"] += data["failures"]
            elif path.name.startswith("faults-"):
                figures["fault_runs"] += data["fault_runs"]
                figures["lost"] += data["lost"]
                figures["duplicates"] += data["duplicates"]
            elif path.name.startswith("logs-"):
                figures["secrets_in_logs"] += data["secrets_in_logs"]
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    failed = re.search(r"(\d+) failed", summary)
    figures["tests_failed"] = int(failed.group(1)) if failed else 0
    figures["tests_summary"] = summary
    return figures


def _bot_child(conn, options: dict) -> None:
    """The real bot in a process of its own (as on its own server), until told to stop."""
    sys.path.insert(0, str(ROOT))
    from bot.runner import running_bot
    from bot.settings import Settings

    async def serve() -> None:
        settings = Settings(_env_file=None, bot_token=TOKEN, polling_timeout=1, **options)
        async with running_bot(settings) as application:
            conn.send("ready")
            await asyncio.get_running_loop().run_in_executor(None, conn.recv)
            dropped = application.bot_data["user_limits"].dropped
        conn.send({"dropped": dropped})

    asyncio.run(serve())


async def flood(seconds: float, rate: float = 50.0) -> dict[str, float]:
    """One chat floods at `rate` updates a second; other users' /help is timed."""
    import multiprocessing

    sys.path.insert(0, str(ROOT))
    from sandbox import SandboxClient, StandIn

    with tempfile.TemporaryDirectory(prefix="ssp-flood-") as work:
        async with StandIn() as standin, SandboxClient(standin.url) as sandbox:
            options = {
                "bot_api_base_url": standin.url,
                "database_url": f"sqlite:///{work}/flood.sqlite3",
                "file_store_dir": str(Path(work) / "files"),
            }
            context = multiprocessing.get_context("spawn")
            conn, child = context.Pipe()
            process = context.Process(target=_bot_child, args=(child, options), daemon=True)
            process.start()
            loop = asyncio.get_running_loop()
            assert await loop.run_in_executor(None, conn.recv) == "ready"
            try:
                flooder = sandbox.user(990_001, first_name="Flood", language_code="ru")
                victims = [
                    sandbox.user(990_100 + n, first_name=f"Victim {n}", language_code="en")
                    for n in range(VICTIMS)
                ]
                for victim in victims:
                    await victim.send("/help")
                    await victim.next_reply(timeout=30)
                stop = asyncio.Event()
                sent = 0

                async def flooding() -> None:
                    nonlocal sent
                    start = time.perf_counter()
                    while not stop.is_set():
                        sent += 1
                        await flooder.send(f"spam {sent}")
                        delay = start + sent / rate - time.perf_counter()
                        if delay > 0:
                            await asyncio.sleep(delay)

                latencies: list[float] = []

                async def asking(victim, offset: float) -> None:
                    """A person at a person's pace: a command every 1.5 s."""
                    await asyncio.sleep(offset)
                    while not stop.is_set():
                        await victim.skip_replies()
                        began = time.perf_counter()
                        await victim.send("/help")
                        await victim.next_reply(timeout=30)
                        latencies.append((time.perf_counter() - began) * 1000)
                        await asyncio.sleep(1.5)

                async def round_of(flood_too: bool) -> list[float]:
                    stop.clear()
                    latencies.clear()
                    tasks = [asyncio.create_task(flooding())] if flood_too else []
                    tasks += [
                        asyncio.create_task(asking(victim, n * 1.5 / VICTIMS))
                        for n, victim in enumerate(victims)
                    ]
                    await asyncio.sleep(seconds)
                    stop.set()
                    await asyncio.gather(*tasks)
                    return sorted(latencies)

                # The same people without the flood first: what this machine gives anyway.
                baseline = await round_of(False)
                calls_before = len(standin.world.calls)
                flooded = await round_of(True)
                flood_replies = sum(
                    1
                    for call in standin.world.calls[calls_before:]
                    if call["method"] == "sendMessage"
                    and str(call["params"].get("chat_id")) == str(flooder.id)
                )
            finally:
                conn.send("stop")
                dropped = (await loop.run_in_executor(None, conn.recv))["dropped"]
                await loop.run_in_executor(None, process.join, 30)

    def percentile(values: list[float], p: float) -> float:
        return round(values[min(len(values) - 1, int(p * len(values)))], 1)

    return {
        "flood_victim_p50_ms": percentile(flooded, 0.50),
        "flood_victim_p99_ms": percentile(flooded, 0.99),
        "flood_victim_samples": len(flooded),
        "baseline_victim_p50_ms": percentile(baseline, 0.50),
        "baseline_victim_p99_ms": percentile(baseline, 0.99),
        "flood_updates": sent,
        "flood_updates_per_s": round(sent / seconds, 1),
        "flood_dropped": dropped,
        "flood_replies": flood_replies,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fuzz-examples", type=int, default=100)
    parser.add_argument("--flood-seconds", type=float, default=15.0)
    parser.add_argument("--skip-tests", action="store_true", help="only the flood")
    args = parser.parse_args()
    result: dict[str, object] = {}
    if not args.skip_tests:
        result["bad_inputs_tested"] = bad_inputs_tested()
        print(f"bad inputs tested: {result['bad_inputs_tested']}", flush=True)
        result.update(resilience_tests(args.fuzz_examples))
        print(f"resilience tests: {result['tests_summary']}", flush=True)
    result.update(asyncio.run(flood(args.flood_seconds)))
    result["database"] = "sqlite+postgresql" if os.environ.get("TEST_DATABASE_URL") else "sqlite"
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
