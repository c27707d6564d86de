"""Time-aware relations: when a membership or a post is in force.

Dates are stored with their precision; comparisons use the earliest day a date can mean, so a
membership that starts in "2005" is in force from 2005-01-01. A relation is in force on day D when
it started on or before D and has not ended by D (an end date is the first day it no longer holds:
Finland was an invitee until 2023-04-04 and a member from that day).
"""

from __future__ import annotations

from typing import Any


def in_force(relation: dict[str, Any], as_of: str) -> bool:
    """Whether `relation` (optional `start`/`end` date documents) holds on `as_of` (YYYY-MM-DD)."""
    start = relation.get("start")
    end = relation.get("end")
    if start and start["earliest"] > as_of:
        return False
    return not (end and end["earliest"] <= as_of)
