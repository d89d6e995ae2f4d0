"""The audit list of admin accounts: one row per login, failure, lock-out or 2FA change.

A row names the account (as typed, for failures of unknown names too), the client
address and the kind of event. It never holds a password, a one-time code or a recovery
code. Rows older than KINDERSCHUTZ_LOGIN_RECORDS_RETENTION_DAYS are deleted by
`manage.py purge_login_records` (retention.py).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SecurityEventKind(models.TextChoices):
    LOGIN = "login", _("Anmeldung (Passwort)")
    LOGIN_FAILED = "login_failed", _("Anmeldung fehlgeschlagen")
    LOCKED_OUT = "locked_out", _("Gesperrt nach Fehlversuchen")
    UNLOCKED = "unlocked", _("Sperre aufgehoben")
    LOGOUT = "logout", _("Abmeldung")
    SESSION_EXPIRED = "session_expired", _("Sitzung abgelaufen")
    TWO_FACTOR_VERIFIED = "2fa_verified", _("Zweiter Faktor bestätigt")
    TWO_FACTOR_FAILED = "2fa_failed", _("Zweiter Faktor falsch")
    TWO_FACTOR_ENABLED = "2fa_enabled", _("Zwei-Faktor-Anmeldung eingerichtet")
    RECOVERY_CODES_RENEWED = "recovery_renewed", _("Wiederherstellungscodes erneuert")
    RECOVERY_CODE_USED = "recovery_used", _("Wiederherstellungscode verwendet")
    TWO_FACTOR_REMOVED = "2fa_removed", _("Zwei-Faktor-Anmeldung entfernt")


class SecurityEvent(models.Model):
    created_at = models.DateTimeField(_("Zeitpunkt"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("Ereignis"), max_length=20, choices=SecurityEventKind.choices)
    username = models.CharField(_("Benutzername"), max_length=150, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Konto"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ip_address = models.GenericIPAddressField(_("Adresse"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ausgeführt von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Wer die Änderung vorgenommen hat, wenn nicht das Konto selbst."),
    )

    class Meta:
        verbose_name = _("Sicherheitsereignis")
        verbose_name_plural = _("Anmeldeprotokoll")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.username}"
