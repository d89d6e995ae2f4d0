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


def ffmpeg_video(directory, size="320x240", rate=25, seconds=1, name=None):
    """A tiny test video made by ffmpeg (scripts/system-deps.sh installs it)."""
    import shutil
    import subprocess

    ffmpeg = shutil.which("ffmpeg")
    assert ffmpeg, "ffmpeg fehlt: scripts/system-deps.sh installiert es"
    path = directory / (name or f"dgs-{size}-{rate}.mp4")
    subprocess.run(  # noqa: S603 - fixed arguments
        [
            ffmpeg,
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc=size={size}:rate={rate}",
            "-t",
            str(seconds),
            "-pix_fmt",
            "yuv420p",
            str(path),
        ],
        check=True,
    )
    return path


def make_video(title="Inhalte dieser Website", content=b"\x00" * 1536, **fields):
    """A stored video record without running the upload check (for pages and listings);
    the check itself is tested through the admin form."""
    from django.core.files.base import ContentFile

    from publicbody.models import SignLanguageVideo

    fields = {"width": 640, "height": 360, "fps": 25, "duration": 65.0} | fields
    video = SignLanguageVideo(title=title, file_size=len(content), **fields)
    video.file.save("inhalte.mp4", ContentFile(content), save=True)
    return video


def make_easy_language_page(parent, **fields):
    from publicbody.models import EasyLanguagePage

    fields.setdefault("title", "Leichte Sprache")
    fields.setdefault("slug", "leichte-sprache")
    page = EasyLanguagePage(**fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def make_sign_language_page(parent, **fields):
    from publicbody.models import SignLanguagePage

    fields.setdefault("title", "Gebärdensprache")
    fields.setdefault("slug", "gebaerdensprache")
    page = SignLanguagePage(**fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page
