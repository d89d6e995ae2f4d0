"""StreamField blocks shared by every app's pages.

Each block renders through its own template under
kinderschutz_cms/templates/kinderschutz_cms/blocks/, so a page template only loops over
`page.body`.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock


class HeadingBlock(blocks.StructBlock):
    """A section heading; level h2 or h3 so that the page keeps exactly one h1."""

    text = blocks.CharBlock(label=_("Überschrift"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("Ebene"),
        choices=[("h2", _("Überschrift 2")), ("h3", _("Überschrift 3"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = _("Überschrift")
        template = "kinderschutz_cms/blocks/heading_block.html"


class DocumentLinkBlock(blocks.StructBlock):
    """A downloadable document with a visible title (file type and size are shown)."""

    document = DocumentChooserBlock(label=_("Dokument"))
    title = blocks.CharBlock(label=_("Linktext"), required=False, max_length=200)

    class Meta:
        icon = "doc-full"
        label = _("Dokument")
        template = "kinderschutz_cms/blocks/document_link_block.html"


class ContactBlock(blocks.StructBlock):
    """A contact box: who to reach, how, and when."""

    heading = blocks.CharBlock(label=_("Überschrift"), required=False, max_length=200)
    name = blocks.CharBlock(label=_("Name"), max_length=200)
    function = blocks.CharBlock(label=_("Funktion"), required=False, max_length=200)
    phone = blocks.CharBlock(label=_("Telefon"), required=False, max_length=50)
    email = blocks.EmailBlock(label=_("E-Mail"), required=False)
    note = blocks.TextBlock(label=_("Hinweis, z. B. Erreichbarkeit"), required=False)

    class Meta:
        icon = "user"
        label = _("Kontakt")
        template = "kinderschutz_cms/blocks/contact_block.html"


class BodyBlock(blocks.StreamBlock):
    """The body of content pages and articles."""

    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Text"),
        features=["bold", "italic", "link", "document-link", "ol", "ul", "h3", "h4"],
        template="kinderschutz_cms/blocks/paragraph_block.html",
        icon="pilcrow",
    )
    image = ImageBlock(label=_("Bild"), template="kinderschutz_cms/blocks/image_block.html")
    document = DocumentLinkBlock()
    contact = ContactBlock()

    class Meta:
        template = "kinderschutz_cms/blocks/body_block.html"
