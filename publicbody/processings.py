"""What the installed apps process, for the privacy notice (Art. 13 DSGVO).

Each entry is written from the settings the code itself uses (`registrations.conf`,
the members app's config, `publicbody.conf`): change a retention setting and the notice changes with
it. An app that is not installed contributes nothing. Server logs are the operator's: their period
is `KINDERSCHUTZ_SERVER_LOG_DAYS` (set it to what the log rotation keeps).
"""

from dataclasses import dataclass

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import conf


@dataclass(frozen=True)
class Processing:
    title: str
    purpose: str
    legal_basis: str
    recipients: str
    retention: str


def _days(n: int) -> str:
    """ "1 Tag" / "n Tage" (as in "… Tage nach der Veranstaltung")."""
    return ngettext("%(n)s Tag", "%(n)s Tage", n) % {"n": n}


def processings() -> list[Processing]:
    """The processings of the installed apps, in the active language."""
    items = []
    coordination = _(
        "die Netzwerkkoordination; technische Dienstleister im Auftrag (Art. 28 DSGVO)"
    )
    if apps.is_installed("registrations"):
        from registrations import conf as reg_conf

        retention = int(reg_conf.get("REGISTRATION_RETENTION_DAYS"))
        link_days = int(reg_conf.get("REGISTRATION_LINK_DAYS_AFTER_EVENT"))
        items += [
            Processing(
                _("Anmeldung zu Veranstaltungen"),
                _(
                    "Name, E-Mail-Adresse, Organisation, Funktion und freiwillige Angaben, um Ihre "
                    "Anmeldung durchzuführen; Angaben zu Ernährung oder Barrierefreiheit nur mit "
                    "Ihrer ausdrücklichen Einwilligung."
                ),
                _("Art. 6 Abs. 1 lit. a und e DSGVO; Gesundheitsdaten Art. 9 Abs. 2 lit. a DSGVO"),
                _("die Netzwerkkoordination, soweit nötig die Referent:innen (Teilnahmeliste)"),
                _("anonymisiert %(days)s nach dem Ende der Veranstaltung")
                % {"days": _days(retention)},
            ),
            Processing(
                _("Bestätigung der E-Mail-Adresse (Double-Opt-in)"),
                _(
                    "Wir senden einen Bestätigungslink, damit niemand Sie ohne Ihr Wissen "
                    "anmeldet; "
                    "Zeitpunkt der Bestätigung wird gespeichert."
                ),
                _("Art. 6 Abs. 1 lit. e DSGVO"),
                coordination,
                _("mit der Anmeldung"),
            ),
            Processing(
                _("Persönliche Links (Absage, Änderung)"),
                _(
                    "Ein signierter Link in Ihren E-Mails, mit dem Sie Ihre Anmeldung ändern oder "
                    "absagen; er enthält keine Daten im Klartext."
                ),
                _("Art. 6 Abs. 1 lit. e DSGVO"),
                _("niemand außer Ihnen"),
                _("Der Link verfällt %(days)s nach der Veranstaltung.")
                % {"days": _days(link_days)},
            ),
            Processing(
                _("Teilnahmebescheinigungen"),
                _(
                    "Name, Veranstaltung, Termine, Unterrichtseinheiten und eine Nummer, damit Sie "
                    "Ihre Teilnahme nachweisen können. Wer die Nummer kennt, kann auf unserer "
                    "Prüfseite die Echtheit prüfen und sieht dort nur Name und Veranstaltung."
                ),
                _("Art. 6 Abs. 1 lit. e DSGVO"),
                coordination,
                _(
                    "gelöscht %(days)s nach der Ausstellung, unabhängig von der Anmeldung "
                    "(Sie brauchen die Bescheinigung oft noch Jahre später)"
                )
                % {"days": _days(int(reg_conf.get("KINDERSCHUTZ_CERTIFICATE_RETENTION_DAYS")))},
            ),
            Processing(
                _("Feedback nach Veranstaltungen"),
                _(
                    "Ihre Antworten auf die Fragen zur Veranstaltung, um unsere Angebote zu "
                    "verbessern. Die Antworten sind von Anfang an anonym: Sie werden nicht mit "
                    "Ihrer Anmeldung verknüpft gespeichert, nur mit dem Tag der Abgabe. Dass Ihr "
                    "Link benutzt wurde, wird getrennt davon als Prüfwert gespeichert, damit jede "
                    "Person nur einmal antwortet."
                ),
                _("Art. 6 Abs. 1 lit. e DSGVO"),
                coordination,
                _("Die Antworten sind anonym; sie werden mit der Veranstaltung gelöscht."),
            ),
        ]
    if apps.is_installed("members"):
        # Asked through the app registry: this app works without the members app.
        members = apps.get_app_config("members")
        items.append(
            Processing(
                _("Einladungen zur Online-Unterzeichnung"),
                _(
                    "Die E-Mail-Adresse der Ansprechperson einer Mitgliedseinrichtung, um ihr "
                    "den Link zur Unterzeichnung der Kooperationsvereinbarung und Erinnerungen "
                    "zu senden; bei der Unterzeichnung Name und Zeitpunkt."
                ),
                _("Art. 6 Abs. 1 lit. e DSGVO in Verbindung mit § 3 KKG"),
                coordination,
                _(
                    "Die Einladung mit der E-Mail-Adresse wird %(days)s nach der letzten E-Mail "
                    "gelöscht; die Unterzeichnung bleibt Teil der Vereinbarung."
                )
                % {"days": _days(members.signing_invitation_retention_days())},
            )
        )
    items.append(
        Processing(
            _("Barrieremeldungen und Rückmeldungen"),
            _(
                "Ihre Beschreibung, die Adresse der Seite und, wenn Sie sie angeben, Name und "
                "E-Mail-Adresse, um die Barriere zu beheben und Ihnen zu antworten."
            ),
            _("Art. 6 Abs. 1 lit. c und e DSGVO in Verbindung mit § 12b BGG bzw. dem Landesgesetz"),
            coordination,
            _("Name, E-Mail-Adresse und Text werden %(days)s nach der Antwort gelöscht.")
            % {"days": _days(int(conf.get("BARRIER_REPORT_RETENTION_DAYS")))},
        )
    )
    items.append(
        Processing(
            _("E-Mail-Versand"),
            _(
                "Empfängeradresse, Betreff und Inhalt der E-Mails, die diese Website verschickt, "
                "bis sie zugestellt sind."
            ),
            _("wie die Verarbeitung, zu der die E-Mail gehört"),
            _("der E-Mail-Dienstleister der Netzwerkkoordination"),
            _("Inhalt und Anhänge werden nach dem Versand gelöscht."),
        )
    )
    log_days = int(conf.get("KINDERSCHUTZ_SERVER_LOG_DAYS"))
    items.append(
        Processing(
            _("Server-Protokolle"),
            _(
                "IP-Adresse, Zeitpunkt, aufgerufene Adresse und Browserkennung, um die Website "
                "sicher zu betreiben und Angriffe abzuwehren. Diese Website setzt für "
                "Besucher:innen keine Cookies außer dem technisch nötigen Schutz-Cookie (CSRF) "
                "auf Seiten mit einem Formular und lädt nichts von anderen Servern."
            ),
            _("Art. 6 Abs. 1 lit. e DSGVO"),
            _("der technische Betrieb im Auftrag der Netzwerkkoordination"),
            ngettext("gelöscht nach %(n)s Tag", "gelöscht nach %(n)s Tagen", log_days)
            % {"n": log_days},
        )
    )
    return items
