"""The only code that changes a registration, split by concern (like pretix's
`base/services`): `booking` (register, confirm, cancel, approve, reject, promote),
`waitlist` (who moves up), `locking` (the event lock), `outbox` (queue, send, retry),
`privacy` (retention, export, erasure), `reminders`. Read-only queries: `..queries`."""
