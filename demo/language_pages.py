"""Demo builder for the start-page information in Leichte Sprache and Gebärdensprache
(§ 4 BITV 2.0, Anlage 2): a Leichte Sprache page written to the rules (short sentences,
no abbreviations, Mediopunkt in compounds, digits, positive wording) and a Gebärdensprache
page with four short sample videos that ffmpeg makes at set-up (test pictures, nothing
downloaded). Without ffmpeg the Gebärdensprache page is left out with a message.
Idempotent, like every demo builder.
"""

import shutil
import subprocess
import tempfile
from pathlib import Path

from publicbody.models import EasyLanguagePage, SignLanguagePage
from publicbody.videos import VideoRejected, create_from_file

FFMPEG = "ffmpeg"  # the program the sample videos are made with (a test replaces it)

INTRO = "Hier erklären wir unsere Website in Leichter Sprache."

SITE_CONTENTS = (
    "<p>Das ist die Website vom Netz·werk Kinder·schutz im Land·kreis Muster·land.</p>"
    "<p>Im Netz·werk arbeiten viele Menschen zusammen. "
    "Sie arbeiten in Kinder·gärten, in Schulen und beim Jugend·amt. "
    "Sie arbeiten auch bei der Polizei, in Beratungs·stellen und in Arzt·praxen. "
    "Alle wollen das Gleiche: Kinder sollen sicher und gesund aufwachsen.</p>"
    "<p>Auf dieser Website finden Sie:</p>"
    "<ul>"
    "<li>Wer im Netz·werk mit·macht.</li>"
    "<li>Wann es Treffen und Fort·bildungen gibt.</li>"
    "<li>Neuigkeiten aus dem Netz·werk.</li>"
    "<li>Wen Sie anrufen können, wenn Sie sich Sorgen um ein Kind machen.</li>"
    "</ul>"
)

NAVIGATION = (
    "<p>Oben auf jeder Seite ist das Menü. "
    "Im Menü stehen die wichtigsten Seiten. "
    "Klicken Sie auf ein Wort im Menü. "
    "Dann kommen Sie auf diese Seite.</p>"
    "<p>Oben ist auch die Suche. "
    "Dort schreiben Sie ein Wort hinein. "
    "Dann zeigt die Website alle Seiten mit diesem Wort.</p>"
    "<p>Unten auf jeder Seite stehen wichtige Telefon·nummern. "
    "Dort steht auch die Adresse vom Netz·werk.</p>"
    "<p>Ist ein Kind in Gefahr? "
    "Dann rufen Sie sofort die Polizei an. "
    "Die Telefon·nummer ist 110.</p>"
)


def statement_summary(statement):
    return (
        "<p>Alle Menschen sollen unsere Website gut benutzen können. "
        "Das nennt man Barriere·freiheit.</p>"
        "<p>Wir haben die Website geprüft. "
        "Die meisten Seiten sind gut zu benutzen. "
        "Manche Dokumente zum Herunter·laden sind schwer zu lesen. "
        "Diese Dokumente kommen von unseren Partnern. "
        "Wir schicken Ihnen den Inhalt gern in einer anderen Form. "
        "Oder wir lesen Ihnen den Inhalt am Telefon vor.</p>"
        "<p>Sie finden eine Barriere auf der Website? "
        "Dann sagen Sie es uns bitte. "
        "Dafür gibt es unten auf jeder Seite den Link „Barriere melden“. "
        "Wir antworten Ihnen spätestens nach 1 Monat.</p>"
        "<p>Sie sind mit unserer Antwort unzufrieden? "
        "Dann hilft Ihnen die Schlichtungs·stelle. "
        "Die Hilfe ist kostenlos.</p>"
        f'<p>Hier steht die ganze <a linktype="page" id="{statement.pk}">Erklärung zur '
        "Barriere·freiheit</a>. "
        "Die Erklärung ist in schwerer Sprache.</p>"
    )


def more_content(sign_language_page):
    videos = (
        "<p>Es gibt auch Videos in Gebärden·sprache. "
        f'Die Videos sind auf der Seite <a linktype="page" id="{sign_language_page.pk}">'
        "Gebärden·sprache</a>.</p>"
        if sign_language_page
        else ""
    )
    return videos + (
        "<p>Wir haben auch ein Heft in Leichter Sprache. "
        "Das Heft liegt in allen Familien·zentren im Land·kreis. "
        "Sie möchten ein Heft haben? "
        "Dann rufen Sie uns an. "
        "Unsere Telefon·nummer ist 05121 309-4711. "
        "Wir schicken Ihnen das Heft gern zu.</p>"
    )


# (field, title, lavfi test source, text version) of the four sample videos.
SAMPLE_VIDEOS = [
    (
        "site_contents_video",
        "Inhalte dieser Website (Beispielvideo)",
        "testsrc2",
        "Beispielvideo mit Testbild. Im echten Video erklärt eine Person in Deutscher "
        "Gebärdensprache, was auf dieser Website steht: wer im Netzwerk mitmacht, die "
        "Termine, die Neuigkeiten und wen man bei Sorge um ein Kind anruft.",
    ),
    (
        "navigation_video",
        "Hinweise zur Navigation (Beispielvideo)",
        "smptebars",
        "Beispielvideo mit Testbild. Im echten Video wird gezeigt, wo Menü, Suche und "
        "die Telefonnummern für Notfälle zu finden sind.",
    ),
    (
        "statement_video",
        "Erklärung zur Barrierefreiheit (Beispielvideo)",
        "testsrc",
        "Beispielvideo mit Testbild. Im echten Video werden die wichtigsten Punkte der "
        "Erklärung zur Barrierefreiheit erklärt: was noch nicht barrierefrei ist, wie man "
        "eine Barriere meldet und wo die Schlichtungsstelle hilft.",
    ),
    (
        "more_content_video",
        "Weitere Informationen in Gebärdensprache (Beispielvideo)",
        "rgbtestsrc",
        "Beispielvideo mit Testbild. Im echten Video steht, welche weiteren Videos in "
        "Gebärdensprache es gibt und wie man die Koordinierungsstelle erreicht.",
    ),
]


def make_sample_video(path: Path, source: str, seconds: int = 3) -> bool:
    """A short H.264 test-picture video (640 × 360, 25 frames per second) at `path`, made
    by ffmpeg; False when ffmpeg is missing or fails."""
    ffmpeg = shutil.which(FFMPEG)
    if ffmpeg is None:
        return False
    command = [
        ffmpeg,
        "-v",
        "error",
        "-y",
        "-f",
        "lavfi",
        "-i",
        f"{source}=size=640x360:rate=25",
        "-t",
        str(seconds),
        "-pix_fmt",
        "yuv420p",
        "-preset",
        "veryfast",
        "-movflags",
        "+faststart",
        str(path),
    ]
    try:
        result = subprocess.run(command, capture_output=True, timeout=120, check=False)  # noqa: S603
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def _sign_language_page(home, stdout=None):
    page = SignLanguagePage.objects.first()
    if page is not None:
        return page
    videos = {}
    with tempfile.TemporaryDirectory(prefix="dgs-demo-") as directory:
        for number, (field, title, source, transcript) in enumerate(SAMPLE_VIDEOS, 1):
            path = Path(directory) / f"dgs-beispiel-{number}.mp4"
            if not make_sample_video(path, source):
                if stdout:
                    stdout.write(
                        "Gebärdensprache: ffmpeg fehlt oder scheitert, die Beispielvideos "
                        "und die Seite „Gebärdensprache“ werden übersprungen "
                        "(scripts/system-deps.sh installiert ffmpeg)."
                    )
                return None
            try:
                videos[field] = create_from_file(str(path), title, transcript)
            except VideoRejected as rejected:  # ffprobe missing: as above
                if stdout:
                    stdout.write(f"Gebärdensprache übersprungen: {rejected.message}")
                return None
    page = SignLanguagePage(
        title="Gebärdensprache",
        slug="gebaerdensprache",
        intro=(
            "Informationen in Deutscher Gebärdensprache (DGS): Inhalte der Website, "
            "Navigation, Erklärung zur Barrierefreiheit und weitere Angebote."
        ),
        **videos,
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def build(home, network, statement, stdout=None):
    """The Gebärdensprache page (if ffmpeg is there) and the Leichte Sprache page below
    `home`; the footer setting `network.easy_language_page` points at the latter."""
    sign_language = _sign_language_page(home, stdout=stdout)
    page = EasyLanguagePage.objects.first()
    if page is None:
        page = EasyLanguagePage(
            title="Leichte Sprache",
            slug="leichte-sprache",
            intro=INTRO,
            site_contents=SITE_CONTENTS,
            navigation=NAVIGATION,
            statement_summary=statement_summary(statement),
            more_content=more_content(sign_language),
        )
        home.add_child(instance=page)
        page.save_revision().publish()
    network.easy_language_page = page
    network.save()
    if stdout:
        stdout.write(
            "Leichte Sprache"
            + (", Gebärdensprache mit Beispielvideos" if sign_language else "")
            + ": angelegt"
        )
    return page, sign_language
