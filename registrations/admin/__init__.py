"""Registrations in the Wagtail admin (loaded by `registrations.wagtail_hooks`).

- `viewsets`: the "Anmeldungen" and "E-Mails" lists (filters, search, export);
- `actions`: per-row and bulk actions (through the booking service);
- `exports`: the attendance list and a person's data export / erasure (DSGVO);
- `panels`: counts on the page explorer and the dashboard;
- `cancellation`: the confirmation before an event is published as cancelled;
- `scope`: which registrations a user may see (the events whose pages they may edit).

Personal data is reachable only with the `registrations.view_registration` permission (the
"Koordination" group, created by a data migration).
"""
