"""Recording a member's signature under an agreement version ("Unterzeichnung erfassen").

A signature is a row of its own (`Signatory`), not part of the agreement page's revisions
(issue #19): recording one is one INSERT, with no new revision, no publish and no
reference-index rebuild, and nothing a later publish of the agreement (of any revision)
does can delete it.

One signature per member and version (the model's unique constraint): a second one is
refused with `SigningError`.
"""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
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
    try:
        with transaction.atomic():
            return Signatory.objects.create(
                page=signature.agreement,
                member=signature.member,
                signed_on=signature.signed_on,
                signed_by_name=signature.signed_by_name,
                signed_by_function=signature.signed_by_function,
            )
    except IntegrityError:
        raise SigningError(
            _("%(member)s hat diese Fassung bereits unterzeichnet.")
            % {"member": signature.member.title}
        ) from None
