"""The mail server is down during a registration rush: nobody loses a seat, nobody is
left without an e-mail once it is back."""

from loadkit import (
    create_event,
    outbox_counts,
    registered_emails,
    registration_counts,
    retry_emails,
    rush,
    wait_until,
)
from smtp_sink import SMTPSink

CAPACITY = 20
SUBMISSIONS = 60


def test_registrations_survive_a_mail_outage_and_every_person_gets_one_email(make_stack, sink):
    port = sink.port
    sink.stop()  # the port is closed: every SMTP connection is refused
    stack = make_stack(workers=3, smtp_port=port)
    event_id, path = create_event(stack, CAPACITY, tag="mail")
    stack.start_web().start_worker()

    results = rush(stack, path, submissions=SUBMISSIONS, clients=12)

    assert sorted(set(results.values())) == [302], results
    rows = registered_emails(stack, event_id)
    assert sorted(rows) == sorted(results)
    assert registration_counts(stack, event_id) == {
        "confirmed": CAPACITY,
        "waitlisted": SUBMISSIONS - CAPACITY,
    }
    # The worker tried each message once, recorded the failure and deferred a retry.
    tried = wait_until(
        lambda: outbox_counts(stack, event_id) == {"failed": SUBMISSIONS}, timeout=90
    )
    assert tried, outbox_counts(stack, event_id)
    errors = stack.sql(
        "SELECT DISTINCT last_error FROM registrations_emailmessage WHERE event_id = %s",
        (event_id,),
    )
    assert errors == [("ConnectionRefusedError",)]

    # The mail server is back on the same port. The task's own retry waits 5 minutes
    # (registrations.services.outbox.backoff, not configurable): let that time pass in the database.
    back = SMTPSink(port=port).start()
    try:
        stack.sql(
            "UPDATE registrations_emailmessage"
            " SET last_attempt_at = last_attempt_at - interval '1 hour'"
        )
        assert retry_emails(stack) == SUBMISSIONS

        assert wait_until(lambda: set(results) <= set(back.per_recipient), timeout=90), (
            f"{len(back.per_recipient)} of {SUBMISSIONS} people got mail"
        )
        wait_until(lambda: outbox_counts(stack, event_id) == {"sent": SUBMISSIONS}, timeout=30)
        assert {email: back.per_recipient[email] for email in results} == dict.fromkeys(results, 1)
        assert outbox_counts(stack, event_id) == {"sent": SUBMISSIONS}
    finally:
        back.stop()
