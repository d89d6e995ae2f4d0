"""Private storage: files the app hands out only after a permission check (background
exports of registrations). Never under MEDIA_ROOT, which the web server serves to anyone
who knows a URL; the location is `KINDERSCHUTZ_EXPORT_ROOT`, read when a file is opened,
so tests and operators can move it without touching the migrations."""

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage

from . import conf


class PrivateStorage(FileSystemStorage):
    """A file system storage without a URL at its configured location."""

    def __init__(self):
        super().__init__(base_url="/private-files-have-no-url/")

    @property
    def base_location(self):
        root = conf.get("KINDERSCHUTZ_EXPORT_ROOT")
        if root:
            return str(root)
        return str(Path(settings.MEDIA_ROOT).resolve().parent / "private" / "exports")

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no URL; they are downloaded through a view.")


def private_storage():
    return PrivateStorage()
