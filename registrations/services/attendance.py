"""Attendance: who was present at which date of an event.

Guarantee: only confirmed registrations are marked present; each (registration, date)
is recorded at most once; `Registration.attended` is true exactly when the registration
has at least one recorded date (or was marked before attendance was kept per date, and
nobody changed it since). Changes run under the event lock (`locking.locked`), as every
other change of a registration.
"""

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from ..errors import RegistrationError
from ..models import Attendance, Registration, RegistrationStatus
from . import locking


def event_date_model():
    """The event's date model ("events.EventDate"), reached without importing events."""
    return locking.event_model()._meta.get_field("dates").related_model


def set_attendance(
    registration: Registration, attended: bool, date_ids: Iterable[int] | None = None
) -> Registration:
    """Mark `registration` present (or not) at the dates `date_ids` of its event (None:
    all its dates). Raises `RegistrationError` for a registration that is not confirmed
    or a date of another event."""
    with locking.locked(registration) as reg:
        if attended and reg.status != RegistrationStatus.CONFIRMED:
            raise RegistrationError(_("Nur bestätigte Anmeldungen können teilnehmen."))
        event_dates = set(
            event_date_model().objects.filter(page_id=reg.event_id).values_list("pk", flat=True)
        )
        chosen = event_dates if date_ids is None else {int(pk) for pk in date_ids}
        if not chosen <= event_dates:
            raise RegistrationError(_("Dieser Termin gehört nicht zu der Veranstaltung."))
        if attended:
            recorded = set(
                Attendance.objects.filter(registration=reg).values_list("event_date_id", flat=True)
            )
            Attendance.objects.bulk_create(
                Attendance(registration=reg, event_date_id=pk) for pk in chosen - recorded
            )
        else:
            Attendance.objects.filter(registration=reg, event_date_id__in=chosen).delete()
        reg.attended = Attendance.objects.filter(registration=reg).exists()
        reg.save(update_fields=["attended", "updated_at"])
        return reg
