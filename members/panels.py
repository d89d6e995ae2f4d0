"""The agreement editor's "Unterzeichnungen" panel: how many members signed this version
and a link to the signatures listing filtered to it (`members.admin_signatures`), instead
of an inline row (with a page chooser) per signature. Two queries, whatever their number."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel


class SignaturesPanel(Panel):
    @property
    def clean_name(self):
        return super().clean_name or "signatures"

    class BoundPanel(Panel.BoundPanel):
        template_name = "members/admin/panels/signatures.html"

        def get_context_data(self, parent_context=None):
            from .models import Signatory

            context = super().get_context_data(parent_context)
            agreement = self.instance
            counts = {"total": 0, "valid": 0}
            listing = reverse("members_signatures:list")
            if agreement is not None and agreement.pk:
                counts = Signatory.objects.filter(page_id=agreement.pk).aggregate(
                    total=Count("pk"), valid=Count("pk", filter=Q(withdrawn_on__isnull=True))
                )
                context["list_url"] = f"{listing}?agreement={agreement.pk}"
                context["add_url"] = (
                    reverse("members_signatures:add") + f"?agreement={agreement.pk}"
                )
            context.update(counts)
            context["withdrawn"] = counts["total"] - counts["valid"]
            context["help"] = _(
                "Unterzeichnungen werden nicht mit der Seite gespeichert, sondern in der Liste "
                "„Unterzeichnungen“ erfasst, gefiltert und exportiert."
            )
            return context
