"""Signed links for a member's maintainers: edit the entry, confirm it, sign the agreement.

A maintainer is a contact person of a member organisation with an e-mail address on
record. Members have no accounts; a maintainer proves who they are by opening a link that
was e-mailed to an address on record (never to an address typed into a form).

A token is `django.core.signing.dumps({"m": member, "c": contact, "e": e-mail, "x": expiry,
"r": reference}, salt=<purpose>)`:

- **single-purpose**: each purpose (`EDIT`, `CHECK`, `SIGN`) signs with its own salt, so an
  edit link cannot be used to sign and vice versa;
- **expiring**: `x` is a Unix time, `KINDERSCHUTZ_MEMBER_LINK_DAYS` (14) days after issue
  unless the caller gives another expiry;
- **revoked with the contact**: the contact person must still exist on the member page
  with the same e-mail address; removing the contact or changing its address invalidates
  every link sent to it;
- `r` is an optional reference the purpose needs (e.g. the signing round's id), checked by
  the caller.

    token = links.make_token(contact, links.EDIT)
    link = links.read_token(token, links.EDIT)   # raises links.InvalidLink
    link.member, link.contact, link.reference
"""

import time
from dataclasses import dataclass

from django.core import signing

from . import conf

EDIT = "edit"
CHECK = "check"
SIGN = "sign"
PURPOSES = (EDIT, CHECK, SIGN)


class InvalidLink(Exception):
    """Tampered, for another purpose, expired, or its contact is gone or changed address."""


@dataclass(frozen=True)
class MemberLink:
    member: object  # members.MemberPage (specific)
    contact: object  # members.ContactPerson
    reference: object
    expires: int


def _salt(purpose):
    if purpose not in PURPOSES:
        raise ValueError(f"unknown link purpose {purpose!r}")
    return f"members.link.{purpose}"


def maintainers(member):
    """The contact persons of `member` who receive its links: those with an e-mail address."""
    return [contact for contact in member.contact_persons.all() if contact.email]


def default_expiry():
    return int(time.time()) + int(conf.get("KINDERSCHUTZ_MEMBER_LINK_DAYS")) * 86400


def make_token(contact, purpose, reference=None, expires=None):
    """A token for `contact` (a maintainer) and `purpose`; `reference` travels signed."""
    if not contact.email:
        raise ValueError("a maintainer needs an e-mail address")
    payload = {
        "m": contact.page_id,
        "c": contact.pk,
        "e": contact.email.lower(),
        "x": expires if expires is not None else default_expiry(),
    }
    if reference is not None:
        payload["r"] = reference
    return signing.dumps(payload, salt=_salt(purpose), compress=True)


def read_token(token, purpose):
    """The `MemberLink` of a valid token; `InvalidLink` for anything else."""
    from .models import ContactPerson, MemberPage

    try:
        payload = signing.loads(token, salt=_salt(purpose))
        member_id, contact_id, email, expires = (
            payload["m"],
            payload["c"],
            payload["e"],
            int(payload["x"]),
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise InvalidLink(str(error)) from error
    if expires < time.time():
        raise InvalidLink("expired")
    contact = ContactPerson.objects.filter(pk=contact_id, page_id=member_id).first()
    if contact is None or contact.email.lower() != email:
        raise InvalidLink("contact removed or address changed")
    member = MemberPage.objects.filter(pk=member_id).first()
    if member is None:
        raise InvalidLink("member removed")
    return MemberLink(member=member, contact=contact, reference=payload.get("r"), expires=expires)
