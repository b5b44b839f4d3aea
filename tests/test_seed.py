"""`ssp-bot seed`: the shipped municipalities and topics, loaded idempotently."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.seed import DEFAULT_SEED_FILE, SeedError, apply_seed, read_seed_file
from storage.db import Database
from storage.queries.places import get_municipality, list_municipalities, list_topics


async def test_shipped_seed_loads_three_municipalities_with_their_topics(database: Database):
    seed = read_seed_file(DEFAULT_SEED_FILE)
    async with database.session() as session:
        report = await apply_seed(session, seed)
    assert (report.created, report.updated, report.unchanged) == (9, 0, 0)
    async with database.session() as session:
        places = await list_municipalities(session)
        assert [place.slug for place in places] == ["batken", "karakol", "kochkor-ata"]
        karakol = await get_municipality(session, slug="karakol")
        topics = await list_topics(session, municipality_id=karakol.id)
    assert karakol.timezone == "Asia/Bishkek"
    assert karakol.name("ru") == "Мэрия города Каракол"
    assert [topic.slug for topic in topics] == [
        "women",
        "migrant-children",
        "disability",
        "homeless",
    ]
    assert topics[1].name("ky") == "Эмгек мигранттарынын балдары"


async def test_loading_twice_changes_nothing_and_edits_update_in_place(
    database: Database, tmp_path: Path
):
    seed = read_seed_file(DEFAULT_SEED_FILE)
    async with database.session() as session:
        await apply_seed(session, seed)
    async with database.session() as session:
        again = await apply_seed(session, seed)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 9)

    edited = DEFAULT_SEED_FILE.read_text(encoding="utf-8").replace(
        "en: Batken Mayor's Office", "en: Batken City Hall"
    )
    path = tmp_path / "edited.yaml"
    path.write_text(edited, encoding="utf-8")
    async with database.session() as session:
        report = await apply_seed(session, read_seed_file(path))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 8)
    async with database.session() as session:
        assert (await get_municipality(session, slug="batken")).name_en == "Batken City Hall"
        assert len(await list_municipalities(session)) == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("municipalities: [{slug: 'Bad Slug', code: AB, name: {ky: a, ru: b, en: c}}]", "slug"),
        ("municipalities: [{slug: osh, code: OSH, name: {ky: a, ru: b}}]", "name.en"),
        (
            "municipalities: [{slug: osh, code: OSH, timezone: Mars/X, name: {ky: a, ru: b, en: c}}]",  # noqa: E501
            "Mars",
        ),
        ("municipalities: [oops", "Cannot read"),
    ],
)
@pytest.mark.bad_input
def test_malformed_seed_file_is_refused_with_the_place(tmp_path: Path, content: str, message):
    path = tmp_path / "seed.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SeedError, match=message):
        read_seed_file(path)
