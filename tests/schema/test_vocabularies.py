"""The closed lists the seed files accept are the enums the API shows: a value a data editor may
write is a value a client can filter on, and the other way round."""

from __future__ import annotations

from enum import Enum
from typing import get_args

import pytest

from schema.common import DatePrecision
from schema.meeting import MeetingKind
from schema.organisation import OrganisationKind
from schema.relations import MembershipRole, ParticipationRole, PostStatus
from seeds import models

PAIRS = [
    (models.MembershipRole, MembershipRole),
    (models.ParticipationRole, ParticipationRole),
    (models.OrganisationKind, OrganisationKind),
    (models.MeetingKind, MeetingKind),
    (models.PostStatus, PostStatus),
]


@pytest.mark.parametrize(("literal", "enum"), PAIRS, ids=[enum.__name__ for _, enum in PAIRS])
def test_the_seed_files_and_the_api_share_each_vocabulary(literal, enum: type[Enum]):
    assert list(get_args(literal)) == [member.value for member in enum]


def test_date_precisions_are_the_three_the_loader_writes():
    assert [member.value for member in DatePrecision] == ["day", "month", "year"]
