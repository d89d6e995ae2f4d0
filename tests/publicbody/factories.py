"""Builders for the publicbody pages (no factory-boy, like the other apps)."""

import datetime

from publicbody.models import (
    AccessibilityStatementPage,
    ImpressumPage,
    NonAccessiblePart,
    PrivacyNoticePage,
)


def make_statement(parent, parts=(), **fields):
    fields.setdefault("title", "Erklärung zur Barrierefreiheit")
    fields.setdefault("slug", "barrierefreiheit")
    fields.setdefault("prepared_on", datetime.date(2026, 1, 15))
    fields.setdefault("reviewed_on", datetime.date(2026, 1, 15))
    page = AccessibilityStatementPage(**fields)
    page.parts = [NonAccessiblePart(part=p, reason=r, alternative=a) for p, r, a in parts]
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def make_impressum(parent, **fields):
    fields.setdefault("title", "Impressum")
    fields.setdefault("slug", "impressum")
    page = ImpressumPage(**fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def make_privacy_notice(parent, **fields):
    fields.setdefault("title", "Datenschutzerklärung")
    fields.setdefault("slug", "datenschutz")
    fields.setdefault("controller", "Landkreis Testland\nJugendamt\nMarktplatz 1\n12345 Teststadt")
    page = PrivacyNoticePage(**fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page
