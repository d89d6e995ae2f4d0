"""What a publish of an event page means for its registrations (connected in
`RegistrationsConfig.ready`, with each registration page model as explicit sender)."""

from django.apps import apps
from wagtail.signals import page_published


def on_event_published(sender, instance, **kwargs):
    """After an event is published: a cancelled event cancels its registrations and tells
    each person once (`booking.cancel_for_event`); otherwise seats that are free now
    (a raised capacity) go to the waitlist (`waitlist.fill_free_seats`)."""
    from .services import booking, waitlist

    if instance.is_cancelled:
        booking.cancel_for_event(instance)
    else:
        waitlist.fill_free_seats(instance)


def registration_page_models():
    """The concrete page models that take registrations (inherit the mixin)."""
    from .models import RegistrationPageMixin

    return [
        model
        for model in apps.get_models()
        if issubclass(model, RegistrationPageMixin) and not model._meta.abstract
    ]


def connect():
    from kinderschutz_cms import frame

    from .models import RegistrationQuestion

    # The form's questions are kept in the frame cache (`queries.registration_questions`).
    frame.watch(RegistrationQuestion)
    # page_published is sent with the page's specific class as sender.
    for model in registration_page_models():
        page_published.connect(
            on_event_published,
            sender=model,
            dispatch_uid=f"registrations_on_published_{model._meta.label_lower}",
        )
