"""Keep the tokens of personal links out of logs.

A personal link (`/anmeldung/<token>/…`) is a password for one registration. Access logs
(Django's development server `django.server`, gunicorn's `gunicorn.access`) and Django's
"Not Found: <path>" warnings (`django.request`) would write it in clear, also as the
Referer of the next request. `RedactPersonalTokens` replaces the token segment with
`[…]`, in the message and in every text argument (gunicorn passes its access log atoms
as a dict: request line, path, query, Referer).

`install()` (called by the app's `ready()`) puts the filter on those loggers, whatever
the logging configuration. To filter other handlers too, name it in `LOGGING`:
`"filters": {"redact_tokens": {"()": "registrations.log_redaction.RedactPersonalTokens"}}`.
"""

import logging
import re

# Personal links (registrations), maintainers' links (edit, check, sign) and certificate
# numbers (which name a person and an event).
TOKEN_SEGMENT = re.compile(
    r"(/anmeldung/|/netzwerkpartner/(?:eintrag|pruefen)/|/unterzeichnen/|/bescheinigung/)"
    r"(?!pruefen/)[^/\s?#\"']+"
)
PREFIXES = ("/anmeldung/", "/netzwerkpartner/", "/unterzeichnen/", "/bescheinigung/")
REPLACEMENT = r"\1[…]"
QUERY_NUMBER = re.compile(r"([?&]nummer=)[^&\s\"']+")
LOGGERS = ("django.server", "django.request", "gunicorn.access", "gunicorn.error")


def redact(text):
    if any(prefix in text for prefix in PREFIXES):
        text = TOKEN_SEGMENT.sub(REPLACEMENT, text)
        return QUERY_NUMBER.sub(REPLACEMENT, text)
    return text


def _redact_value(value):
    return redact(value) if isinstance(value, str) else value


class RedactPersonalTokens(logging.Filter):
    """A logging filter that never drops a record, only redacts it."""

    def filter(self, record):
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, dict):
            record.args = {key: _redact_value(value) for key, value in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(_redact_value(value) for value in record.args)
        return True


def install(loggers=LOGGERS):
    for name in loggers:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactPersonalTokens) for f in logger.filters):
            logger.addFilter(RedactPersonalTokens())
