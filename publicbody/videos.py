"""Sign language (DGS) videos: what the server checks before it keeps one.

`probe(path)` asks Debian's `ffprobe` (package ffmpeg, see scripts/system-deps.sh) for the
first video stream and the container: width, height, frame rate, running time. It runs
with a timeout, without a shell, on a file on disk. `check(info)` applies the rules for a
DGS video that people must be able to read hands, faces and mouths in:

- at least `MIN_WIDTH` × `MIN_HEIGHT` (320 × 240) pixels,
- at least `MIN_FPS` (25) frames per second (an NTSC 29.97 passes, 24 does not),
- a video container a browser plays in `<video>` (MP4, WebM, Ogg), with a running time:
  a still image is not a video, though ffprobe reads it as a one-frame stream.

Every refusal is a `VideoRejected` with a German message that says what is wrong and
what is needed; a file ffprobe cannot read is refused the same way, never a 500.
`inspect_upload(file)` does both for an uploaded file (in memory or on disk) and returns
the `VideoInfo` to store with the video.
"""

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext as _

from . import conf

MIN_WIDTH = 320
MIN_HEIGHT = 240
MIN_FPS = 25
# Container names as ffprobe reports them ("mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm").
PLAYABLE_FORMATS = {"mp4", "mov", "webm", "matroska", "ogg"}
EXTENSIONS = ["mp4", "m4v", "webm", "ogv"]
PROBE_TIMEOUT_SECONDS = 60


class VideoRejected(Exception):
    """The file is no video the site keeps; `message` says why, in German."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class VideoInfo:
    width: int
    height: int
    fps: float
    duration: float  # seconds
    format_name: str


def _rate(value: str | None) -> float:
    """ffprobe's "25/1" or "30000/1001" as a number (0 for "0/0" or nothing)."""
    try:
        rate = Fraction(value or "0")
    except (ValueError, ZeroDivisionError):
        return 0.0
    return float(rate)


def probe(path: str) -> VideoInfo:
    """Width, height, frame rate and running time of the file at `path`.

    Raises `VideoRejected` if ffprobe is missing, fails, times out, or finds no video
    stream."""
    executable = shutil.which(conf.get("FFPROBE_BINARY"))
    if executable is None:
        raise VideoRejected(
            _(
                "Das Video kann nicht geprüft werden: Das Programm „ffprobe“ fehlt auf dem "
                "Server. Bitte wenden Sie sich an die Technik."
            )
        )
    command = [
        executable,
        "-v",
        "error",
        "-select_streams",
        "v:0",
        "-show_entries",
        "stream=width,height,avg_frame_rate,r_frame_rate:format=duration,format_name",
        "-of",
        "json",
        path,
    ]
    try:
        result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            command, capture_output=True, timeout=PROBE_TIMEOUT_SECONDS, check=False
        )
        data = json.loads(result.stdout or b"{}") if result.returncode == 0 else {}
    except (subprocess.TimeoutExpired, ValueError, OSError):
        data = {}
    streams = data.get("streams") or []
    if not streams:
        raise VideoRejected(
            _(
                "Die Datei ist kein Video oder kann nicht gelesen werden. Bitte laden Sie "
                "ein Video als MP4 oder WebM hoch."
            )
        )
    stream, container = streams[0], data.get("format") or {}
    fps = _rate(stream.get("avg_frame_rate")) or _rate(stream.get("r_frame_rate"))
    try:
        duration = float(container.get("duration") or 0)
    except ValueError:
        duration = 0.0
    return VideoInfo(
        width=int(stream.get("width") or 0),
        height=int(stream.get("height") or 0),
        fps=round(fps, 3),
        duration=round(duration, 2),
        format_name=str(container.get("format_name") or ""),
    )


def check(info: VideoInfo) -> None:
    """Raise `VideoRejected` unless `info` describes a playable DGS video of at least
    320 × 240 pixels and 25 frames per second."""
    formats = set(info.format_name.split(","))
    if not formats & PLAYABLE_FORMATS or info.duration <= 0:
        raise VideoRejected(
            _(
                "Die Datei ist kein abspielbares Video. Bitte laden Sie ein Video als MP4 "
                "oder WebM hoch."
            )
        )
    if info.width < MIN_WIDTH or info.height < MIN_HEIGHT:
        raise VideoRejected(
            _(
                "Das Video ist zu klein: %(width)s × %(height)s Pixel. Für Gebärdensprache "
                "braucht es mindestens %(min_width)s × %(min_height)s Pixel."
            )
            % {
                "width": info.width,
                "height": info.height,
                "min_width": MIN_WIDTH,
                "min_height": MIN_HEIGHT,
            }
        )
    if info.fps < MIN_FPS - 0.01:
        raise VideoRejected(
            _(
                "Das Video hat zu wenige Bilder pro Sekunde: %(fps)s. Für Gebärdensprache "
                "braucht es mindestens %(min_fps)s Bilder pro Sekunde."
            )
            % {"fps": f"{info.fps:g}".replace(".", ","), "min_fps": MIN_FPS}
        )


def inspect_upload(uploaded) -> VideoInfo:
    """Probe and check an uploaded file (Django's `UploadedFile`); a file kept in memory
    is written to a temporary file first, as ffprobe needs to seek in MP4 files."""
    if hasattr(uploaded, "temporary_file_path"):
        info = probe(uploaded.temporary_file_path())
    else:
        suffix = os.path.splitext(uploaded.name or "")[1][:10]
        with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
            for chunk in uploaded.chunks():
                copy.write(chunk)
            copy.flush()
            info = probe(copy.name)
        uploaded.seek(0)
    check(info)
    return info


def create_from_file(path: str, title: str, transcript: str = ""):
    """A `SignLanguageVideo` from a video file on disk (the demo's set-up), checked
    like an upload; raises `VideoRejected` as the admin form does."""
    from django.core.files import File

    from .models import SignLanguageVideo

    info = probe(path)
    check(info)
    video = SignLanguageVideo(title=title, transcript=transcript)
    video.set_info(info, os.path.getsize(path))
    with open(path, "rb") as file:
        video.file.save(os.path.basename(path), File(file), save=True)
    return video
