"""Protection concepts (Schutzkonzepte) of members: which reviews are due.

A concept is adopted (`concept_status == "adopted"`) and due for review when its last
review, or its adoption if never reviewed, lies `KINDERSCHUTZ_CONCEPT_REVIEW_YEARS` (2)
years or more back, or when neither date is known. One query.
"""

import datetime

from django.db.models import Q
from django.db.models.functions import Coalesce

from . import conf
from .choices import ConceptStatus
from .models import MemberPage


def review_cutoff(today: datetime.date) -> datetime.date:
    years = int(conf.get("KINDERSCHUTZ_CONCEPT_REVIEW_YEARS"))
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def concepts_due_for_review(today: datetime.date):
    """Live members whose adopted concept is due for review, the longest overdue first;
    each annotated with `last_reviewed` (review, else adoption date)."""
    return (
        MemberPage.objects.live()
        .filter(concept_status=ConceptStatus.ADOPTED)
        .annotate(last_reviewed=Coalesce("concept_reviewed_on", "concept_adopted_on"))
        .filter(Q(last_reviewed__lte=review_cutoff(today)) | Q(last_reviewed=None))
        .select_related("sector")
        .order_by("last_reviewed", "title")
    )
