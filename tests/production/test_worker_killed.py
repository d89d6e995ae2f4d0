"""The task worker is killed (SIGKILL) while it sends a batch of e-mails to a slow mail
server: after a new worker and the retry, every person has at least one e-mail
(at-least-once delivery); duplicates are counted and printed."""

import time

from loadkit import create_event, outbox_counts, registered_emails, retry_emails, rush, wait_until

CAPACITY = 20
SUBMISSIONS = 30


def test_a_worker_killed_mid_batch_leaves_nobody_without_an_email(make_stack, sink):
    sink.delay = 0.5  # a slow mail server: the kill lands while the worker waits for it
    stack = make_stack(workers=2, smtp_port=sink.port)
    event_id, path = create_event(stack, CAPACITY, tag="kill")
    stack.start_web()
    results = rush(stack, path, submissions=SUBMISSIONS, clients=6)
    assert set(results.values()) == {302}
    people = set(registered_emails(stack, event_id))
    assert people == set(results)

    stack.start_worker()
    assert wait_until(lambda: sink.total >= 5 and sink.in_progress, timeout=60, interval=0.02)
    # The worker has sent a message's data and waits for the server's answer.
    stack.kill_worker()
    time.sleep(sink.delay * 2)
    before_kill = sink.total
    stuck_tasks = stack.sql(
        "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'"
    )[0][0]
    in_flight = stack.sql(
        "SELECT count(*) FROM registrations_emailmessage WHERE event_id = %s "
        "AND status = 'queued' AND attempts > 0",
        (event_id,),
    )[0][0]
    print(
        f"\nkilled: {before_kill} delivered, {stuck_tasks} task(s) left RUNNING, "
        f"{in_flight} message(s) claimed but not finished"
    )
    assert 0 < before_kill < SUBMISSIONS

    sink.delay = 0
    stack.start_worker()
    # The new worker sends everything still waiting in the queue ...
    wait_until(
        lambda: outbox_counts(stack, event_id).get("sent", 0) >= SUBMISSIONS - in_flight,
        timeout=60,
    )
    # ... but not the message whose task the dead worker left RUNNING: django-tasks' db
    # worker never takes a RUNNING task again, and retry_emails treats a queued message as
    # lost only after REGISTRATION_EMAIL_STALE_MINUTES (15 by default; 0 here, as if that
    # time had passed).
    stuck = outbox_counts(stack, event_id).get("queued", 0)
    assert stuck == in_flight
    assert retry_emails(stack) == 0  # within the 15 minutes
    assert retry_emails(stack, REGISTRATION_EMAIL_STALE_MINUTES="0") == stuck
    delivered = wait_until(lambda: people <= set(sink.per_recipient), timeout=60)
    got = {email: sink.per_recipient[email] for email in people}
    duplicates = sum(n - 1 for n in got.values() if n > 1)
    print(
        f"after retry: {sum(1 for n in got.values() if n)} of {len(people)} mailed, "
        f"{duplicates} duplicate(s)"
    )
    assert delivered, sorted(email for email, n in got.items() if n == 0)
    assert min(got.values()) >= 1
    assert wait_until(lambda: outbox_counts(stack, event_id) == {"sent": SUBMISSIONS}, 30)
