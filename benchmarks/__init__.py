"""Measurements of the bot against the local Bot API stand-in (see docs/benchmarks.md)."""
