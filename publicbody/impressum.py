"""Which details § 5 DDG and § 18 MStV require of an Impressum, and which are missing.

The admin warns (never blocks) while one is empty: a page may be saved as a draft
half-filled. A second fast contact is the phone number or a contact form.
"""

from django.utils.translation import gettext as _


def missing_fields(page) -> list[str]:
    """Labels of the required details `page` (an ImpressumPage) lacks."""
    opts = page._meta
    missing = [
        str(opts.get_field(name).verbose_name)
        for name in (
            "provider_name",
            "postal_address",
            "email",
            "legal_representative",
            "supervisory_authority",
            "responsible_person",
            "responsible_address",
        )
        if not getattr(page, name)
    ]
    if not page.phone and not page.contact_form_url:
        missing.append(_("Telefon oder Kontaktformular"))
    return missing
