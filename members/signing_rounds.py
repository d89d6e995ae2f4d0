"""Signing the cooperation agreement online: rounds, invitations, signatures, withdrawals.

A **signing round** (`SigningRound`) is started by the coordination for one agreement
version. It invites, among the live members of the agreement's site (optionally of one
sector), either those without a valid signature of that version (`RoundScope.UNSIGNED`:
new members) or all of them (`RoundScope.ALL`, after a revision: members that have already
signed this very version are still left out). Each maintainer of each invited member
(`members.links.maintainers`) gets an e-mail with a signed SIGN link
(`links.make_token(contact, links.SIGN, reference=round.pk)`); one `SigningInvitation` row
per member and address records it. `send_reminders` e-mails invited members that have not
signed again, at most once a day per invitation (a fresh link, a new expiry).

**Signing** (`sign_online`): the maintainer gives name and function and confirms being
authorised; the date is the server's. That writes one `Signatory` row (method "online",
the round and the invitation used) and e-mails the signer a confirmation with a PDF
receipt. A member signs a version once: a second submission (the same maintainer twice,
or a second maintainer of the same member) changes nothing and is answered with
"bereits unterzeichnet am …" (`AlreadySigned`).

**How a signature is stored.** `Signatory` is a row of its own with a foreign key to the
agreement (issue #19), not an inline child of the page: an online signature is one INSERT
(no revision, no publish), `Signatory` is excluded from Wagtail's reference index, and no
revision of the agreement, old or new, carries or restores signatures. The coordination
lists, corrects and withdraws them in the admin's "Unterzeichnungen"
(`members.admin_signatures`).

**Withdrawal** (`withdraw`): the coordination records the date a member left; the row stays
(history), but it no longer counts as a valid signature. Superseded versions keep their
signatories: nothing here touches another version's rows.

Every listing runs a fixed number of queries, whatever the number of members.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kinderschutz_cms.pdf import render_pdf
from kinderschutz_cms.sites import in_site, site_root_path

from . import links
from .choices import RoundScope, SigningMethod
from .models import (
    AgreementPage,
    ContactPerson,
    MemberPage,
    Sector,
    Signatory,
    SigningInvitation,
    SigningRound,
)


class AlreadySigned(Exception):
    """The member has a valid signature of this version already (`signatory`)."""

    def __init__(self, signatory):
        super().__init__(str(signatory))
        self.signatory = signatory


class RoundNotOpen(Exception):
    """The round's agreement is not live (unpublished or deleted): nobody can sign it."""


def valid_signatures(agreement):
    """Signatures of `agreement` that count: not withdrawn."""
    return Signatory.objects.filter(page=agreement, withdrawn_on__isnull=True)


# --- rounds and invitations ----------------------------------------------------------------


def members_in_scope(agreement, scope, sector=None):
    """The live members of the agreement's site (of `sector`, if given) a round with `scope`
    invites, by title. Never those that have a signature row of this version (a version is
    signed once; a withdrawn member rejoins through the coordination). `UNSIGNED` (new
    members) also leaves out members invited in an earlier round of this version; `ALL`
    invites them again."""
    has_row = Signatory.objects.filter(page=agreement, member=OuterRef("pk"))
    members = MemberPage.objects.live().filter(in_site(site_root_path(agreement)))
    if sector is not None:
        members = members.filter(sector=sector)
    members = members.exclude(Exists(has_row))
    if scope == RoundScope.UNSIGNED:
        invited = SigningInvitation.objects.filter(
            signing_round__agreement=agreement, member=OuterRef("pk")
        )
        members = members.exclude(Exists(invited))
    return members.select_related("sector").order_by("title")


def signing_url(token, base_url):
    return base_url.rstrip("/") + reverse("members_signing_page", args=[token])


def _base_url(agreement):
    """The public address of the agreement's site for links in e-mails
    (`kinderschutz_cms.links.base_url`: WAGTAILADMIN_BASE_URL for the default site)."""
    from kinderschutz_cms.links import base_url

    return base_url(agreement.get_site())


def _invitation_email(invitation, agreement, token, base_url, reminder=False):
    context = {
        "invitation": invitation,
        "member": invitation.member,
        "agreement": agreement,
        "url": signing_url(token, base_url),
        "reminder": reminder,
    }
    text = render_to_string("members/email/signing_invitation.txt", context)
    if reminder:
        subject = _("Erinnerung: Bitte unterzeichnen Sie die %(title)s") % {
            "title": agreement.title
        }
    else:
        subject = _("Bitte unterzeichnen Sie die %(title)s") % {"title": agreement.title}
    from registrations.services.outbox import queue_prepared_email

    queue_prepared_email(invitation.email, subject, text)


def start_round(agreement, *, scope=RoundScope.UNSIGNED, sector=None, user=None, now=None):
    """Start a round for `agreement` and e-mail every maintainer of every member in scope.

    Returns the round. Members without a maintainer (no contact with an e-mail address)
    are not invited; the progress view lists them as "nicht eingeladen".
    """
    if not agreement.live:
        raise RoundNotOpen(agreement)
    now = now or timezone.now()
    base_url = _base_url(agreement)
    with transaction.atomic():
        signing_round = SigningRound.objects.create(
            agreement=agreement, started_by=user, scope=scope, sector=sector
        )
        members = members_in_scope(agreement, scope, sector).prefetch_related(
            Prefetch("contact_persons", queryset=ContactPerson.objects.order_by("sort_order"))
        )
        invitations = []
        for member in members:
            addresses = set()
            for contact in links.maintainers(member):
                if contact.email.lower() in addresses:
                    continue
                addresses.add(contact.email.lower())
                invitations.append(
                    SigningInvitation(
                        signing_round=signing_round,
                        member=member,
                        contact=contact,
                        email=contact.email,
                        sent_at=now,
                    )
                )
        SigningInvitation.objects.bulk_create(invitations)
        for invitation in invitations:
            token = links.make_token(invitation.contact, links.SIGN, reference=signing_round.pk)
            _invitation_email(invitation, agreement, token, base_url)
    return signing_round


def send_reminders(signing_round, now=None):
    """E-mail the invited maintainers of members that have not signed yet, again; at most
    once a day per invitation (a second call the same day sends nothing). Returns how many
    reminders were queued."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    agreement = signing_round.agreement
    signed = valid_signatures(agreement).filter(member=OuterRef("member"))
    start_of_day = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    with transaction.atomic():
        due = list(
            signing_round.invitations.select_for_update(of=("self",))
            .exclude(Exists(signed))
            .exclude(reminded_at__gte=start_of_day)
            .exclude(contact__isnull=True)
            .select_related("member", "contact")
        )
        base_url = _base_url(agreement)
        sent = 0
        for invitation in due:
            contact = invitation.contact
            if not contact.email or contact.email.lower() != invitation.email.lower():
                continue  # the address changed: the old link is void, invite anew
            token = links.make_token(contact, links.SIGN, reference=signing_round.pk)
            _invitation_email(invitation, agreement, token, base_url, reminder=True)
            invitation.reminded_at = now
            sent += 1
        SigningInvitation.objects.bulk_update(due, ["reminded_at"])
    return sent


# --- signing -------------------------------------------------------------------------------


@dataclass
class SigningLink:
    """What a valid SIGN link opens: the round, its agreement, the member and invitation."""

    signing_round: SigningRound
    agreement: AgreementPage
    member: MemberPage
    invitation: SigningInvitation
    contact: ContactPerson


def open_link(token):
    """The `SigningLink` of a token; `links.InvalidLink` when it is invalid, expired, for
    another purpose, of a deleted round, of an agreement that is not live, or of a member
    that was not invited in that round."""
    link = links.read_token(token, links.SIGN)
    if not isinstance(link.reference, int):
        raise links.InvalidLink("no round")
    invitation = (
        SigningInvitation.objects.filter(
            signing_round_id=link.reference, member_id=link.member.pk, contact_id=link.contact.pk
        )
        .select_related("signing_round__agreement")
        .first()
    )
    if invitation is None or not invitation.signing_round.agreement.live:
        raise links.InvalidLink("round closed")
    member = link.member
    if not member.live:
        raise links.InvalidLink("member not live")
    return SigningLink(
        signing_round=invitation.signing_round,
        agreement=invitation.signing_round.agreement,
        member=member,
        invitation=invitation,
        contact=link.contact,
    )


def existing_signature(agreement, member):
    """The member's signature row of `agreement` (withdrawn or not), or None."""
    return Signatory.objects.filter(page=agreement, member=member).first()


def sign_online(link: SigningLink, name, function, now=None):
    """Record the member's online signature (see the module docstring) and e-mail the
    signer a confirmation with the PDF receipt. Returns the row; `AlreadySigned` if the
    member has a signature of this version (online or on paper; a withdrawn one too: a
    version is signed once, the coordination clears the withdrawal if a member rejoins)."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            row = Signatory.objects.create(
                page=link.agreement,
                member=link.member,
                signed_on=timezone.localdate(now),
                signed_by_name=name,
                signed_by_function=function,
                method=SigningMethod.ONLINE,
                signing_round=link.signing_round,
                invitation=link.invitation,
            )
    except IntegrityError:
        raise AlreadySigned(
            Signatory.objects.filter(page=link.agreement, member=link.member).first()
        ) from None
    send_receipt(row, link.contact.email, now)
    return row


def receipt_pdf(signatory, now=None):
    """The PDF receipt of an online signature (bytes)."""
    return render_pdf(
        "members/pdf/signing_receipt.html",
        {
            "signatory": signatory,
            "agreement": signatory.page,
            "member": signatory.member,
            "recorded_at": timezone.localtime(now or timezone.now()),
        },
    )


def send_receipt(signatory, email, now=None):
    pdf = receipt_pdf(signatory, now)
    context = {"signatory": signatory, "agreement": signatory.page, "member": signatory.member}
    text = render_to_string("members/email/signing_confirmation.txt", context)
    subject = _("Bestätigung: %(member)s hat die %(title)s unterzeichnet") % {
        "member": signatory.member.title,
        "title": signatory.page.title,
    }
    from registrations.services.outbox import queue_prepared_email

    filename = f"unterzeichnung-{signatory.page.slug}-{signatory.member.slug}.pdf"
    queue_prepared_email(email, subject, text, attachments=[(filename, pdf, "application/pdf")])


# --- withdrawal ----------------------------------------------------------------------------


def withdraw(signatory, on):
    """Record that the member left the agreement on `on` (the row is kept)."""
    from kinderschutz_cms import frame, page_cache

    Signatory.objects.filter(pk=signatory.pk).update(withdrawn_on=on)
    # an UPDATE sends no post_save: the home page's count changed
    frame.invalidate()
    page_cache.invalidate()
    signatory.withdrawn_on = on
    return signatory


# --- progress ------------------------------------------------------------------------------

SIGNED, INVITED, NOT_INVITED = "signed", "invited", "not_invited"
STATUS_LABELS = {
    SIGNED: translation.gettext_lazy("unterzeichnet"),
    INVITED: translation.gettext_lazy("eingeladen, nicht unterzeichnet"),
    NOT_INVITED: translation.gettext_lazy("nicht eingeladen"),
}


@dataclass
class SectorProgress:
    sector: Sector | None
    signed: int = 0
    invited: int = 0
    not_invited: int = 0

    @property
    def total(self):
        return self.signed + self.invited + self.not_invited


@dataclass
class Progress:
    rows: list = field(default_factory=list)  # SectorProgress, sectors' order
    totals: SectorProgress = field(default_factory=lambda: SectorProgress(None))


def member_rows(signing_round):
    """The live members of the round's site (of its sector, if it has one), each annotated
    with `status`, `signatory` (valid signature of the version or None) and `invitation`
    (the first of this round, or None). Three queries."""
    agreement = signing_round.agreement
    members = MemberPage.objects.live().filter(in_site(site_root_path(agreement)))
    if signing_round.sector_id:
        members = members.filter(sector_id=signing_round.sector_id)
    members = list(members.select_related("sector").order_by("title"))
    signatures = {
        s.member_id: s
        for s in valid_signatures(agreement).filter(member__in=[m.pk for m in members])
    }
    invitations = {}
    for invitation in signing_round.invitations.order_by("sent_at", "pk"):
        invitations.setdefault(invitation.member_id, invitation)
    for member in members:
        member.signatory = signatures.get(member.pk)
        member.invitation = invitations.get(member.pk)
        if member.signatory is not None:
            member.status = SIGNED
        elif member.invitation is not None:
            member.status = INVITED
        else:
            member.status = NOT_INVITED
        member.status_label = STATUS_LABELS[member.status]
    return members


def progress(members):
    """Counts per sector (in the sectors' order, members without a sector last) and totals
    of `member_rows`."""
    by_sector = defaultdict(lambda: None)
    result = Progress()
    for member in members:
        entry = by_sector[member.sector_id]
        if entry is None:
            entry = by_sector[member.sector_id] = SectorProgress(member.sector)
        setattr(entry, member.status, getattr(entry, member.status) + 1)
        setattr(result.totals, member.status, getattr(result.totals, member.status) + 1)
    result.rows = sorted(
        by_sector.values(),
        key=lambda e: (e.sector is None, e.sector.sort_order if e.sector else 0, str(e.sector)),
    )
    return result
