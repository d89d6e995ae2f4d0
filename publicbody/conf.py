"""Settings of the publicbody app, with their defaults in one place (read at call time).

- `BARRIER_REPORT_ANSWER_DAYS` (30): a barrier report is to be answered this many days
  after it was received (the EU model's "one month"); the admin shows the deadline.
- `BARRIER_REPORT_REMINDER_DAYS` (7): the coordination is reminded of an unanswered
  report this many days before its deadline (`send_publicbody_reminders`).
- `BARRIER_REPORT_RETENTION_DAYS` (365): days after a report was answered after which its
  sender's name, e-mail address and text are erased (`purge_barrier_reports`).
- `BARRIER_REPORT_RATE_LIMIT` ((5, 3600)): reports per client address per window.
- `BARRIER_REPORT_MIN_FILL_SECONDS` (3): a report sent back faster is refused.
- `KINDERSCHUTZ_SERVER_LOG_DAYS` (7): days the web server's logs are kept; the privacy
  notice names it (the operator's log rotation must match).
- `ACCESSIBILITY_REVIEW_MONTHS` (11): months after the statement's last review after
  which the coordination is reminded to review it again (it must be reviewed yearly).
- `FFPROBE_BINARY` ("ffprobe"): the program that checks uploaded sign language videos
  (Debian package ffmpeg, `videos.py`); a name looked up on PATH or a full path.
"""

from django.conf import settings

DEFAULTS = {
    "BARRIER_REPORT_ANSWER_DAYS": 30,
    "BARRIER_REPORT_REMINDER_DAYS": 7,
    "BARRIER_REPORT_RETENTION_DAYS": 365,
    "BARRIER_REPORT_RATE_LIMIT": (5, 3600),
    "BARRIER_REPORT_MIN_FILL_SECONDS": 3,
    "KINDERSCHUTZ_SERVER_LOG_DAYS": 7,
    "ACCESSIBILITY_REVIEW_MONTHS": 11,
    "FFPROBE_BINARY": "ffprobe",
}


def get(name):
    return getattr(settings, name, DEFAULTS[name])


def limit(name):
    """A `(count, seconds)` limit or None (switched off)."""
    value = get(name)
    if not value:
        return None
    count, window = value
    return int(count), int(window)
