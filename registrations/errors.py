"""Refusals a person can cause. Each carries a `code`; `registrations.views.HTTP_STATUS`
maps codes to HTTP statuses in one place."""

from django.utils.translation import gettext_lazy as _


class RegistrationError(Exception):
    """A refusal a person can understand (German message); nothing was changed.

    Codes: "closed" (not open now), "full" (no seat, no waitlist), "workshop_full",
    "duplicate" (already registered), "expired" (double opt-in hold ran out), "ended"
    (the event is over: no self-service cancel), "inactive" (not an active registration),
    "invalid" (an action that does not fit the registration's state).
    """

    def __init__(self, message, code="invalid"):
        super().__init__(str(message))
        self.message = message
        self.code = code


class AlreadyRegistered(RegistrationError):
    def __init__(self):
        super().__init__(
            _(
                "Mit dieser E-Mail-Adresse besteht bereits eine Anmeldung für diese "
                "Veranstaltung. Den Link zu Ihrer Anmeldung finden Sie in unserer E-Mail."
            ),
            code="duplicate",
        )
