"""Recording a member's signature under an agreement version ("Unterzeichnung erfassen").

Signatures are inline rows of the agreement page (its revisions carry them). Recording one
from elsewhere (the member's page, the "Ohne Unterschrift" report) must not be lost when
someone later publishes the agreement from its revision history, so `record_signature`
writes the row *and* a new revision of the agreement that contains it:

- if the agreement has no unpublished changes, the new revision is published (the live
  page and its history agree, nothing else goes live);
- if it has a draft, the signature is added to the draft (saved, not published) and the
  row is written at once, so it counts now and stays when the draft is published.

One signature per member and version (the model's unique constraint): a second one is
refused with `SigningError`.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import AgreementPage, MemberPage, Signatory


class SigningError(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class Signature:
    member: MemberPage
    agreement: AgreementPage
    signed_on: datetime.date
    signed_by_name: str = ""
    signed_by_function: str = ""


def record_signature(signature: Signature, user=None) -> Signatory:
    """Record `signature` (see the module docstring); returns the saved row."""
    with transaction.atomic():
        agreement = AgreementPage.objects.select_for_update().get(pk=signature.agreement.pk)
        if Signatory.objects.filter(page=agreement, member=signature.member).exists():
            raise SigningError(
                _("%(member)s hat diese Fassung bereits unterzeichnet.")
                % {"member": signature.member.title}
            )
        fields = {
            "member": signature.member,
            "signed_on": signature.signed_on,
            "signed_by_name": signature.signed_by_name,
            "signed_by_function": signature.signed_by_function,
        }
        row = Signatory.objects.create(page=agreement, **fields)
        had_draft = agreement.has_unpublished_changes
        draft = agreement.get_latest_revision_as_object()
        if not any(s.pk == row.pk for s in draft.signatories.all()):
            draft.signatories.add(Signatory(pk=row.pk, sort_order=row.sort_order, **fields))
        revision = draft.save_revision(user=user, clean=False)
        if not had_draft:
            revision.publish(user=user)
        return row
