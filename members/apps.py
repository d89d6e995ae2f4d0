from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Netzwerkpartner")
    default_auto_field = "django.db.models.BigAutoField"

    def signing_invitation_retention_days(self) -> int:
        """Days after their last e-mail that signing invitations are kept
        (`members.privacy`), for the privacy notice of the publicbody app."""
        from .privacy import invitation_retention_days

        return invitation_retention_days()

    def ready(self):
        # The directory's filter choices are cached (members/directory.py); a renamed
        # sector or service tag must show at once, as a published member does.
        from taggit.models import Tag

        from kinderschutz_cms import frame

        from .models import ContactPerson, Sector, Signatory

        # The home page's "network in numbers" counts signatories (kinderschutz_cms/home.py);
        # the directory's cards (`frame_fragment`) show sectors, services and IseF contacts.
        frame.watch(Sector, Tag, Signatory, ContactPerson)
        # The directory's filters and the page numbers of directory and agreement page.
        from kinderschutz_cms import page_cache

        from .forms import DirectoryFilterForm

        page_cache.read_parameters("page", *DirectoryFilterForm.base_fields)

        # The maintainer hears whether the coordination approved a self-service change.
        from .self_service import connect_signals

        connect_signals()
