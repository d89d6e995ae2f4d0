"""Members keep their own entry: edit links, changes into moderation, the outcome by e-mail.

Guarantees:

- **Links go to addresses on record only.** `request_edit_link` e-mails an EDIT link
  (members/links.py) to every maintainer of the member whose address on record equals the
  address typed in, and to nobody else. The caller answers the same whether or not an
  address matched (no enumeration). Requests are counted per client address (proxy-aware,
  `kinderschutz_cms.client_ip`, IPv6 by /64) and per typed address, in the fixed windows
  of `registrations.spam.count_attempt` (`KINDERSCHUTZ_MEMBER_LINK_RATE_LIMIT`,
  `KINDERSCHUTZ_MEMBER_LINK_EMAIL_RATE_LIMIT`); over a limit, `LinkRefused` (nothing sent).
- **Nothing goes live without approval.** `submit_change` saves a new, unpublished revision
  of the member page and starts the workflow "Änderungen von Netzwerkpartnern" (one
  GroupApprovalTask for the group "Koordination"), created on first use by
  `self_service_workflow` and started explicitly, whatever workflow the page tree assigns
  to the page. The coordination approves (Wagtail publishes the revision) or rejects with a
  comment in Wagtail's own workflow screens.
- **A second submission replaces the pending one**: its moderation is cancelled (Wagtail
  logs it) and the new revision goes into moderation; the earlier `SelfServiceChange` is
  marked `replaced`. The maintainer always edits the latest revision, so nothing pending
  is lost unless they change it.
- **Who asked is on record**: a page log entry `members.self_service` with the
  maintainer's name and address, tied to the revision, shows in the page's history; a
  `SelfServiceChange` row keeps the same with the moderation's outcome.
- **An uploaded concept PDF is not public before approval**: Wagtail's document view
  answers 404 for it (`refuse_public_download`, hook in `wagtail_hooks.py`) until a live
  entry shows it; admin users (the coordination reviewing the change) may open it.
- **The maintainer hears the outcome**: on Wagtail's `workflow_approved` /
  `workflow_rejected` signals (both in Wagtail 7.4 and 8) an e-mail with the
  coordinator's comment goes to the address on record, through the outbox.
"""

import html
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log
from wagtail.models import GroupApprovalTask, TaskState, Workflow, WorkflowTask

from kinderschutz_cms.client_ip import client_address, rate_limit_bucket
from registrations.services.outbox import queue_prepared_email
from registrations.spam import count_attempt

from . import conf, links
from .choices import ChangeStatus
from .models import ContactPerson, MemberPage, SelfServiceChange

WORKFLOW_NAME = "Änderungen von Netzwerkpartnern"
TASK_NAME = "Freigabe durch die Koordination"
COORDINATION_GROUP = "Koordination"
LOG_ACTION = "members.self_service"

ENTRY_FIELDS = ("street", "postcode", "town", "district", "phone", "email", "website")
CONCEPT_FIELDS = (
    "concept_status",
    "concept_adopted_on",
    "concept_reviewed_on",
    "concept_link",
    "concept_consultant",
)
CONTACT_FIELDS = ("name", "function", "phone", "email", "is_isef", "languages")


class LinkRefused(Exception):
    """A refused request for a link (a rate limit); `message` is German, for the visitor."""

    def __init__(self, message, retry_after):
        super().__init__(str(message))
        self.message = message
        self.retry_after = retry_after


@dataclass
class EntryChange:
    """What a maintainer submitted: page fields, service tags, contact persons (each a
    dict of CONTACT_FIELDS plus `id` for an existing one), an optional new document."""

    fields: dict
    services: list
    contacts: list
    description: str | None = None  # plain text; None: unchanged
    document: object = None  # wagtaildocs Document, already saved


# --------------------------------------------------------------------------- links


def absolute_url(path, request=None, member=None):
    """`path` on the host of `request`, or else on the member's site."""
    if request is not None:
        return request.build_absolute_uri(path)
    site = member.get_site() if member is not None else None
    root = site.root_url if site is not None else ""
    return f"{root}{path}"


def edit_path(contact, reference=None):
    return reverse(
        "member_self_service:edit", args=[links.make_token(contact, links.EDIT, reference)]
    )


def request_edit_link(request, member, email) -> int:
    """E-mail an edit link to the maintainers of `member` whose address on record is
    `email`; returns how many were sent (never show it to the visitor). `LinkRefused`
    over a rate limit."""
    address = email.strip().lower()
    waits = [
        count_attempt(
            "member-link",
            rate_limit_bucket(client_address(request)),
            conf.limit("KINDERSCHUTZ_MEMBER_LINK_RATE_LIMIT"),
        ),
        count_attempt(
            "member-link-email", address, conf.limit("KINDERSCHUTZ_MEMBER_LINK_EMAIL_RATE_LIMIT")
        ),
    ]
    wait = max((w for w in waits if w), default=None)
    if wait:
        minutes = max(-(-wait // 60), 1)
        raise LinkRefused(
            _(
                "Zu viele Anfragen. Bitte warten Sie %(minutes)s Minuten und versuchen Sie es "
                "dann erneut."
            )
            % {"minutes": minutes},
            wait,
        )
    sent = 0
    for contact in links.maintainers(member):
        if contact.email.lower() == address:
            send_edit_link(member, contact, request=request)
            sent += 1
    return sent


def _render_mail(template, context):
    from django.template.loader import render_to_string

    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string(f"members/emails/{template}.txt", context)
    subject, _sep, body = text.partition("\n")
    return subject.strip(), body.lstrip("\n")


def send_edit_link(member, contact, request=None, reference=None):
    """Queue the e-mail with an EDIT link to `contact` (an address on record)."""
    url = absolute_url(edit_path(contact, reference), request, member)
    subject, text = _render_mail(
        "edit_link",
        {
            "member": member,
            "contact": contact,
            "url": url,
            "days": conf.get("KINDERSCHUTZ_MEMBER_LINK_DAYS"),
        },
    )
    queue_prepared_email(contact.email, subject, text, throttle=True)


# --------------------------------------------------------------------------- moderation


def self_service_workflow() -> Workflow:
    """The workflow "Änderungen von Netzwerkpartnern" with its one approval task for the
    coordination group, created the first time a change is submitted."""
    workflow, created = Workflow.objects.get_or_create(
        name=WORKFLOW_NAME, defaults={"active": True}
    )
    if created or not workflow.workflow_tasks.exists():
        task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
        if task is None:
            task = GroupApprovalTask.objects.create(name=TASK_NAME)
            group = Group.objects.filter(name=COORDINATION_GROUP).first()
            if group is not None:
                task.groups.add(group)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    if not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    return workflow


def plain_description(member) -> str:
    """The member's description as plain text, paragraphs separated by blank lines."""
    text = re.sub(r"</p>\s*|<br\s*/?>", "\n\n", member.description or "")
    return "\n\n".join(
        part.strip() for part in html.unescape(strip_tags(text)).split("\n\n") if part.strip()
    )


def description_html(text) -> str:
    """Plain text to the rich text field's HTML: one paragraph per blank-line block."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    return "".join("<p>" + html.escape(p).replace("\n", "<br/>") + "</p>" for p in paragraphs)


def refuse_public_download(document, request) -> bool:
    """True if Wagtail's document view must answer 404 for `document`: a concept PDF a
    maintainer uploaded through an edit link stays unpublished until the coordination
    approved it, i.e. until a live member entry shows it. Before that only a user who may
    edit the member page it was uploaded for may open it (Wagtail page permissions: the
    coordination reviewing the change, not the editors of another network). One query
    for any other document, two for an approved one, up to four for a pending one."""
    members = list(
        MemberPage.objects.filter(
            pk__in=SelfServiceChange.objects.filter(document=document).values("member_id")
        )
    )
    if not members:
        return False
    if MemberPage.objects.live().filter(concept_document=document).exists():
        return False
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return True
    return not any(member.permissions_for_user(user).can_edit() for member in members)


def draft_of(member) -> MemberPage:
    """The member as the maintainer edits it: its latest revision (a pending change
    included), or the live page if it has none."""
    return member.get_latest_revision_as_object()


@transaction.atomic
def submit_change(link, change: EntryChange) -> SelfServiceChange:
    """Save `change` as a new revision of the member page and put it into moderation.

    Returns the new `SelfServiceChange`. The live page stays as it is.
    """
    member = MemberPage.objects.select_for_update().get(pk=link.member.pk)
    page = draft_of(member)
    for name, value in change.fields.items():
        setattr(page, name, value)
    if change.description is not None:
        page.description = description_html(change.description)
    if change.document is not None:
        page.concept_document = change.document
    today = timezone.localdate()
    page.last_checked = today
    existing = {contact.pk: contact for contact in page.contact_persons.all()}
    contacts = []
    for order, data in enumerate(change.contacts):
        contact = existing.get(data.get("id")) or ContactPerson()
        for name in CONTACT_FIELDS:
            setattr(contact, name, data.get(name))
        contact.last_checked = today
        contact.sort_order = order
        contacts.append(contact)
    page.contact_persons = contacts
    page.services.set(change.services)
    revision = page.save_revision(changed=True, log_action=False)
    log(
        instance=page,
        action=LOG_ACTION,
        revision=revision,
        data={"name": link.contact.name, "email": link.contact.email},
    )
    state = member.current_workflow_state
    if state is not None:
        state.cancel(user=None)
    SelfServiceChange.objects.filter(member=member, status=ChangeStatus.PENDING).update(
        status=ChangeStatus.REPLACED, decided_at=timezone.now()
    )
    state = self_service_workflow().start(page, None)
    if link.reference is not None:
        from .checks import record_answer

        record_answer(link.reference, member, link.contact, changed=True)
    return SelfServiceChange.objects.create(
        member=member,
        revision=revision,
        workflow_state=state,
        requested_by_name=link.contact.name,
        requested_by_email=link.contact.email,
        document=change.document,
    )


def pending_change(member):
    return member.self_service_changes.filter(status=ChangeStatus.PENDING).first()


def _last_comment(workflow_state):
    task_state = (
        TaskState.objects.filter(workflow_state=workflow_state)
        .exclude(finished_at=None)
        .order_by("-finished_at", "-pk")
        .first()
    )
    return (task_state.specific.get_comment() if task_state else "") or ""


def decide(workflow_state, approved: bool):
    """Record the coordination's decision on a self-service change and e-mail the
    maintainer (nothing for other workflows)."""
    change = (
        SelfServiceChange.objects.filter(workflow_state=workflow_state, status=ChangeStatus.PENDING)
        .select_related("member")
        .first()
    )
    if change is None:
        return
    change.status = ChangeStatus.APPROVED if approved else ChangeStatus.REJECTED
    change.decided_at = timezone.now()
    change.save(update_fields=["status", "decided_at"])
    subject, text = _render_mail(
        "change_approved" if approved else "change_rejected",
        {
            "member": change.member,
            "name": change.requested_by_name,
            "comment": _last_comment(workflow_state),
        },
    )
    queue_prepared_email(change.requested_by_email, subject, text)


def on_workflow_approved(sender, instance, user=None, **kwargs):
    decide(instance, approved=True)


def on_workflow_rejected(sender, instance, user=None, **kwargs):
    decide(instance, approved=False)


def connect_signals():
    from wagtail.signals import workflow_approved, workflow_rejected

    workflow_approved.connect(on_workflow_approved, dispatch_uid="members-self-service-ok")
    workflow_rejected.connect(on_workflow_rejected, dispatch_uid="members-self-service-no")


LOG_LABEL = gettext_lazy("Änderung durch Netzwerkpartner eingereicht")


def log_message(log_entry):
    data = log_entry.data or {}
    return _("Änderung eingereicht von %(name)s (%(email)s) über den Änderungslink") % {
        "name": data.get("name", ""),
        "email": data.get("email", ""),
    }
