"""People registering for events: the app of everything personal about an event.

Why imports run events -> registrations, never back: the calendar (event pages, dates,
programme, venues, listing, iCal) is useful without registrations, and an event page
*takes* registrations the way a Wagtail form page takes submissions: it inherits
`models.RegistrationPageMixin` (settings, form routes), as a form page inherits
`AbstractEmailForm`. So the dependency points from the page to the feature it uses.
The other direction would make the calendar's pure parts (`events/ical.py`, the feeds)
depend on personal data code, and every change of the registration rules would touch the
calendar. Here, the registrations app names event models only by string
("events.EventPage") and asks the page object for what it needs through the methods the
mixin declares; listings get seat counts through one query function
(`queries.annotate_counts`). `tests/test_architecture.py` checks the direction.

Modules: `models` (Registration, WorkshopBooking, RegistrationQuestion, EmailMessage, the
page mixin), `services/` (booking, waitlist, locking, outbox, privacy, reminders: the only
code that changes a registration), `queries` (seats, availability), `errors`, `forms`,
`views` + `urls` (the form's routes live on the page; personal links), `tokens`, `spam`,
`emails`, `log_redaction`, `signals` (a publish of an event page), `admin/`, `conf`
(settings with defaults), templates under `templates/registrations/` (incl. e-mails).
"""
