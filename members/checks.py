"""The yearly "please check your entry" round (Prüfrunde).

- `start_campaign` records the round (who, when, which sector) with one `CheckRequest`
  per live member of the selection that has a maintainer, and e-mails each maintainer a
  CHECK link (members/links.py, the round's id as reference). Members without a
  maintainer are left out (the coordination sees them in the member listing).
- `confirm_unchanged` ("Keine Änderungen", one click): the member's `last_checked` and
  that of its contact persons become today (a plain update of the live rows, no new
  revision: nothing about the entry changes; a page log entry names who confirmed), and
  the request is answered.
- `record_answer(..., changed=True)`: a change submitted through the round's edit link
  answers the request (members/self_service.py).
- `send_reminders` (management command `send_check_reminders`, idempotent): members that
  have not answered `KINDERSCHUTZ_CHECK_REMINDER_DAYS` (14) days after the round started
  get one reminder per maintainer; `reminded_at` marks it so a second run sends nothing.
"""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from . import conf, links
from .choices import CheckAnswer
from .models import CheckCampaign, CheckRequest, ContactPerson, MemberPage


def members_for(sector=None, within=None):
    """Live members (of the `within` page's subtree, e.g. a site root) of `sector`."""
    members = MemberPage.objects.live()
    if within is not None:
        members = members.descendant_of(within, inclusive=True)
    if sector is not None:
        members = members.filter(sector=sector)
    return members


def _send(template, campaign, member, request=None):
    from registrations.services.outbox import queue_prepared_email

    from .self_service import _render_mail, absolute_url

    expires = int((campaign.started_at + datetime.timedelta(days=365)).timestamp())
    for contact in links.maintainers(member):
        path = reverse(
            "member_self_service:check",
            args=[links.make_token(contact, links.CHECK, campaign.pk, expires=expires)],
        )
        subject, text = _render_mail(
            template,
            {
                "member": member,
                "contact": contact,
                "url": absolute_url(path, request, member),
                "campaign": campaign,
            },
        )
        queue_prepared_email(contact.email, subject, text)


@transaction.atomic
def start_campaign(user, members, description="", sector=None, request=None) -> CheckCampaign:
    """Start a round for `members` (a MemberPage queryset); see the module docstring."""
    campaign = CheckCampaign.objects.create(started_by=user, sector=sector, description=description)
    for member in members.prefetch_related("contact_persons"):
        if not links.maintainers(member):
            continue
        CheckRequest.objects.create(campaign=campaign, member=member)
        _send("check_request", campaign, member, request)
    return campaign


def open_request(campaign_id, member):
    return CheckRequest.objects.filter(campaign_id=campaign_id, member=member).first()


def record_answer(campaign_id, member, contact, changed):
    """Mark `member`'s request in the round as answered (first answer counts, a later
    change still shows as changed)."""
    check = open_request(campaign_id, member)
    if check is None:
        return None
    if check.answer == CheckAnswer.OPEN or changed:
        check.answer = CheckAnswer.CHANGED if changed else CheckAnswer.UNCHANGED
        check.answered_at = timezone.now()
        check.answered_by = contact.name
        check.save(update_fields=["answer", "answered_at", "answered_by"])
    return check


LOG_ACTION = "members.check_confirmed"
LOG_LABEL = gettext_lazy("Eintrag ohne Änderungen bestätigt")


@transaction.atomic
def confirm_unchanged(link):
    """ "Keine Änderungen": the entry is confirmed as it is, today.

    Only the confirmation dates change (`last_checked` of the page and its contact
    persons, on the live rows): no revision, as no content changes and a revision would
    stand for content an editor could publish or compare. What an auditor needs is in the
    page's history instead: a log entry `members.check_confirmed` with the maintainer's
    name and address. `MemberPage.with_content_json` keeps these dates when an older
    revision is published later.
    """
    today = timezone.localdate()
    member = link.member
    MemberPage.objects.filter(pk=member.pk).update(last_checked=today)
    ContactPerson.objects.filter(page_id=member.pk).update(last_checked=today)
    log(
        instance=member,
        action=LOG_ACTION,
        data={"name": link.contact.name, "email": link.contact.email, "round": link.reference},
    )
    return record_answer(link.reference, member, link.contact, changed=False)


def log_message(log_entry):
    data = log_entry.data or {}
    return _("Eintrag ohne Änderungen bestätigt von %(name)s (%(email)s) über den Prüflink") % {
        "name": data.get("name", ""),
        "email": data.get("email", ""),
    }


def due_for_reminder(now=None):
    now = now or timezone.now()
    days = int(conf.get("KINDERSCHUTZ_CHECK_REMINDER_DAYS"))
    return CheckRequest.objects.filter(
        answer=CheckAnswer.OPEN,
        reminded_at=None,
        campaign__started_at__lte=now - datetime.timedelta(days=days),
        member__live=True,
    ).select_related("campaign", "member")


def send_reminders(now=None) -> int:
    """Remind the maintainers of every unanswered request that is due; returns the number
    of members reminded. Each request is reminded once (`reminded_at`)."""
    count = 0
    for check in due_for_reminder(now):
        with transaction.atomic():
            updated = CheckRequest.objects.filter(pk=check.pk, reminded_at=None).update(
                reminded_at=timezone.now()
            )
            if not updated:  # another run got there first
                continue
            _send("check_reminder", check.campaign, check.member.specific)
        count += 1
    return count
