"""Municipalities and topics from a YAML file: validated, then upserted by slug.

Loading the same file twice changes nothing; a changed name or time zone is updated in place;
topics missing from the file are kept (calls may refer to them)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.queries.places import upsert_municipality, upsert_topic

DEFAULT_SEED_FILE = Path(__file__).parent / "data" / "seed.yaml"
SLUG = r"^[a-z0-9][a-z0-9_-]{1,31}$"


class Names(BaseModel):
    ky: str = Field(min_length=1, max_length=200)
    ru: str = Field(min_length=1, max_length=200)
    en: str = Field(min_length=1, max_length=200)


class SeedTopic(BaseModel):
    slug: str = Field(pattern=SLUG)
    name: Names


class SeedMunicipality(BaseModel):
    slug: str = Field(pattern=SLUG)
    # Starts its receipt numbers (KRK-2026-0007): 2-5 capital Latin letters.
    code: str = Field(pattern=r"^[A-Z]{2,5}$")
    timezone: str = "Asia/Bishkek"
    name: Names
    topics: list[SeedTopic] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a known time zone") from None
        return value


class SeedFile(BaseModel):
    municipalities: list[SeedMunicipality]


class SeedError(Exception):
    """The seed file cannot be read or is not in the documented shape."""


@dataclass
class SeedReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


def read_seed_file(path: Path) -> SeedFile:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise SeedError(f"Cannot read {path}: {error}") from None
    try:
        return SeedFile.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise SeedError(f"{path}: {where}: {first['msg']}") from None


async def apply_seed(session: AsyncSession, seed: SeedFile) -> SeedReport:
    """Upsert every municipality and topic of `seed`, in one transaction."""
    report = SeedReport()
    for item in seed.municipalities:
        municipality, outcome = await upsert_municipality(
            session,
            slug=item.slug,
            code=item.code,
            timezone=item.timezone,
            names=item.name.model_dump(),
        )
        report.count(outcome)
        for topic in item.topics:
            _, outcome = await upsert_topic(
                session,
                municipality_id=municipality.id,
                slug=topic.slug,
                names=topic.name.model_dump(),
            )
            report.count(outcome)
    await session.commit()
    return report
