"""Retention of the members app's personal data (DSGVO), following
`registrations.services.privacy`.

Guarantee: `purge_expired_invitations` deletes every signing invitation
(`SigningInvitation`: a maintainer's e-mail address invited to sign in a round) whose
last e-mail (the invitation or its latest reminder) is older than
`KINDERSCHUTZ_SIGNING_INVITATION_RETENTION_DAYS` days. Deleted, not blanked: the row is
nothing but the address (and one address per round and member is unique). Signatures
made through it stay, with their round; only their link to the invitation is cleared
(`on_delete=SET_NULL`), so a round's progress no longer lists those invitees. The
address is no longer needed by then: a signing link is valid for
`KINDERSCHUTZ_MEMBER_LINK_DAYS` only. Run daily by `manage.py purge_registrations`.
"""

from datetime import datetime, timedelta

from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import conf
from .models import SigningInvitation


def invitation_retention_days() -> int:
    return int(conf.get("KINDERSCHUTZ_SIGNING_INVITATION_RETENTION_DAYS"))


def purge_expired_invitations(now: datetime | None = None) -> int:
    """Delete the signing invitations last e-mailed more than the retention period before
    `now`; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=invitation_retention_days())
    expired = SigningInvitation.objects.annotate(
        last_mail=Coalesce(F("reminded_at"), F("sent_at"))
    ).filter(last_mail__lt=cutoff)
    count, _by_model = SigningInvitation.objects.filter(
        pk__in=list(expired.values_list("pk", flat=True))
    ).delete()
    return count
