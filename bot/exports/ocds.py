"""Open data for a call: an Open Contracting Data Standard (OCDS 1.1) release package and a
360Giving-style CSV of the awards.

Only what is public goes in: the call (buyer, title, budget, dates), how many applications it
received, and the awards with the funded organization's name and registration number (INN, a
public registry identifier of a legal entity). Never people: no members, phone numbers, e-mails,
Telegram ids, commission members or their scores, and nothing about applicants who were not
funded beyond their count."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from bot.exports.data import CallExport
from bot.formatting import localized

# OCDS identifiers start with a prefix registered with the Open Contracting Partnership; this one
# stands in until a municipality registers its own (then change it here).
OCID_PREFIX = "ocds-sspkg1"
PUBLISHER = "SSP Bot"
CURRENCY = "KGS"
INN_SCHEME = "KG-INN"  # Kyrgyz taxpayer numbers (org-id.guide has no list for them yet)
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
LANGUAGE_ORDER = ("ru", "ky", "en")

AWARDS_CSV_COLUMNS = (
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Awarded",
    "Award Date",
    "Planned Dates:Start Date",
    "Planned Dates:End Date",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Grant Programme:Title",
    "Grant Programme:Code",
)


def ocid(data: CallExport) -> str:
    return f"{OCID_PREFIX}-{data.municipality_slug}-{data.id}"


def _language(data: CallExport) -> str:
    return next((code for code in LANGUAGE_ORDER if data.title.get(code)), "en")


def _iso(value: datetime | date | None, zone: ZoneInfo) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return datetime.combine(value, time(0, 0), tzinfo=zone).isoformat()


def _buyer_id(data: CallExport) -> str:
    return f"municipality-{data.municipality_slug}"


def _tender_status(status: str) -> str:
    return {
        "published": "active",
        "closed": "active",
        "decided": "complete",
        "cancelled": "cancelled",
    }.get(status, "planned")


def release(data: CallExport, *, now: datetime) -> dict:
    """One compiled release describing the call and its awards as they are now."""
    zone = ZoneInfo(data.timezone)
    language = _language(data)
    buyer = {"id": _buyer_id(data), "name": localized(data.municipality_names, language)}
    parties = [{**buyer, "roles": ["buyer", "procuringEntity"]}]
    seen_suppliers: set[str] = set()
    awards, contracts = [], []
    for award in data.awards:
        supplier_id = f"{INN_SCHEME}-{award.organization_inn}"
        supplier = {"id": supplier_id, "name": award.organization}
        if supplier_id not in seen_suppliers:
            seen_suppliers.add(supplier_id)
            parties.append(
                {
                    **supplier,
                    "identifier": {
                        "scheme": INN_SCHEME,
                        "id": award.organization_inn,
                        "legalName": award.organization,
                    },
                    "roles": ["supplier", "tenderer"],
                }
            )
        award_id = f"{ocid(data)}-award-{award.id}"
        value = {"amount": award.amount, "currency": CURRENCY}
        period = {
            "startDate": _iso(award.contract_start, zone),
            "endDate": _iso(award.contract_end, zone),
        }
        awards.append(
            {
                "id": award_id,
                "title": award.project_title,
                "status": "active",
                "date": _iso(award.created_at, zone),
                "value": value,
                "suppliers": [supplier],
                "contractPeriod": period,
            }
        )
        contracts.append(
            {
                "id": f"{ocid(data)}-contract-{award.id}",
                "awardID": award_id,
                "title": award.project_title,
                "status": "pending",
                "value": value,
                "period": period,
            }
        )
    tender = {
        "id": f"{ocid(data)}-tender",
        "title": localized(data.title, language),
        "description": localized(data.description, language),
        "status": _tender_status(data.status),
        "procuringEntity": buyer,
        "value": {"amount": data.budget_total, "currency": CURRENCY},
        "procurementMethod": "open",
        "procurementMethodDetails": "State social procurement (Kyrgyz Republic, 2017 law)",
        "mainProcurementCategory": "services",
        "awardCriteria": "ratedCriteria",
        "awardCriteriaDetails": "; ".join(
            f"{localized(item.get('name', {}), language) or item['key']}: {item.get('weight', 1)}%"
            for item in data.criteria
        ),
        "submissionMethod": ["electronicSubmission"],
        "tenderPeriod": {
            key: value
            for key, value in (
                ("startDate", _iso(data.published_at, zone)),
                ("endDate", _iso(data.deadline_at, zone)),
            )
            if value
        },
        "numberOfTenderers": len(data.submissions),
    }
    if data.period_start and data.period_end:
        tender["contractPeriod"] = {
            "startDate": _iso(data.period_start, zone),
            "endDate": _iso(data.period_end, zone),
        }
    tags = ["tender"] + (["award", "contract"] if awards else [])
    result = {
        "ocid": ocid(data),
        "id": f"{ocid(data)}-{now.strftime('%Y%m%dT%H%M%SZ')}",
        "date": _iso(now, zone),
        "tag": tags,
        "initiationType": "tender",
        "language": language,
        "parties": parties,
        "buyer": buyer,
        "tender": tender,
    }
    if awards:
        result["awards"] = awards
        result["contracts"] = contracts
    return result


def release_package(data: CallExport, *, now: datetime, uri: str | None = None) -> dict:
    return {
        "uri": uri or f"https://ssp.example.kg/ocds/{ocid(data)}.json",
        "version": "1.1",
        "publishedDate": _iso(now, ZoneInfo(data.timezone)),
        "publisher": {"name": PUBLISHER},
        "license": LICENSE,
        "releases": [release(data, now=now)],
    }


def awards_csv(data: CallExport) -> str:
    """360Giving-style rows, one per award (UTF-8; the columns of the 360Giving template)."""
    zone = ZoneInfo(data.timezone)
    language = _language(data)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(AWARDS_CSV_COLUMNS)
    for award in data.awards:
        writer.writerow(
            (
                f"{ocid(data)}-award-{award.id}",
                award.project_title,
                localized(data.title, language),
                CURRENCY,
                award.amount,
                award.created_at.astimezone(zone).date().isoformat(),
                award.contract_start.isoformat(),
                award.contract_end.isoformat(),
                f"{INN_SCHEME}-{award.organization_inn}",
                award.organization,
                _buyer_id(data),
                localized(data.municipality_names, language),
                localized(data.title, language),
                ocid(data),
            )
        )
    return buffer.getvalue()
