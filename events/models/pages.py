"""The event calendar and its event pages.

`EventPage` is a concrete (multi-table) page that `TrainingPage`, `FachtagPage` and
`NetworkMeetingPage` extend: dates, registrations and the calendar queries all point at one
table, and listing pages never need `.specific()`.
"""

from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.queryset import FakeQuerySet
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    PageChooserPanel,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, Site
from wagtail.search import index

from kinderschutz_cms import page_cache
from kinderschutz_cms.blocks import BodyBlock, DocumentLinkBlock
from kinderschutz_cms.frame import RestrictionsFromCache
from kinderschutz_cms.links import page_url
from kinderschutz_cms.slugs import GermanSlugMixin
from registrations.models import RegistrationPageMixin

from ..admin_forms import EventPageForm, FachtagAdminForm
from ..choices import EventFormat, EventStatus, TimeSlotKind
from .recurrence import RecurrenceMixin


class EventIndexPage(GermanSlugMixin, RestrictionsFromCache, RoutablePageMixin, Page):
    """The calendar: upcoming events, the archive, and the subscribable feed."""

    intro = models.TextField(_("Einleitung"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["kinderschutz_cms.NetworkHomePage"]
    subpage_types = ["events.TrainingPage", "events.FachtagPage", "events.NetworkMeetingPage"]

    per_page = 20

    class Meta:
        verbose_name = _("Veranstaltungskalender")
        verbose_name_plural = _("Veranstaltungskalender")

    def filter_form(self, request, *, archive=False):
        from kinderschutz_cms import frame

        from ..forms import COORDINATION, EventFilterForm
        from ..listing import audience_choices, event_months, organiser_choices

        def build():
            # The same for every visitor: kept in the frame cache (a page change, an
            # audience change or 300 s end it), the coordination's label translated here.
            return {
                "audiences": audience_choices(),
                "organisers": organiser_choices(self, "")[1:],
                "months": event_months(self, archive=archive),
            }

        choices = frame.cached("event_filters", self.pk, int(archive), build=build)
        return EventFilterForm(
            request.GET or None,
            audiences=choices["audiences"],
            organisers=[(COORDINATION, _("Netzwerkkoordination")), *choices["organisers"]],
            months=choices["months"],
        )

    def filter_fields_html(self, form, *, archive):
        """The fields of the filter form as HTML, kept in the frame cache per set of
        choices, chosen values and language: the same for every visitor who asks the
        same (their rendering, a template per field and per option, costs more than the
        listing). A valid form's values are among its choices (a month from the years
        offered), so a few entries per calendar. None for a form with errors, which
        shows what the visitor typed and is rendered each time, as are combined filters
        and months not offered (`EventFilterForm.is_offered_choice`)."""
        import hashlib

        from django.template.loader import render_to_string
        from django.utils.translation import get_language

        from kinderschutz_cms import frame

        if not form.is_offered_choice():  # errors show what was typed; or unbounded
            return None
        # What the fields show besides their (translated) labels: every option, and the
        # values chosen.
        options = [
            (name, [(str(value), str(label)) for value, label in widget.choices])
            for name, widget in ((n, f.widget) for n, f in form.fields.items())
            if hasattr(widget, "choices")
        ]
        chosen = [(name, form[name].value()) for name in form.fields] if form.is_bound else None
        digest = hashlib.sha256(repr((options, chosen)).encode()).hexdigest()
        return frame.cached(
            "event_filter_fields",
            self.pk,
            int(archive),
            get_language(),
            digest,
            build=lambda: render_to_string(
                "events/includes/filter_fields.html", {"filter_form": form}
            ),
        )

    def listing_context(self, request, *, archive, now=None):
        """The page of events to show, the filter form and the feed links, at `now`
        (tests pass another moment).

        The list's ids come from the frame cache (`listing.calendar_listing`), and the
        cards of a page are kept rendered (`frame_fragment` "event-list") per filters,
        ids, time boundary and seats left, which are read on every request: a page whose
        cards are kept loads no event."""
        from ..feeds import webcal_url
        from ..listing import ListedEvents, filters_key

        form = self.filter_form(request, archive=archive)
        filters = form.filters()
        keep = form.is_offered_choice()  # else nothing of this list is stored
        listed = ListedEvents(self, filters, archive=archive, now=now or timezone.now(), keep=keep)
        paginator = Paginator(listed, self.per_page)
        asked_page = request.GET.get("seite")
        page = paginator.get_page(asked_page)
        if keep and asked_page in (None, str(page.number)):
            page_cache.offered(request, "seite", *form.fields)  # else not kept whole either
        shown, seated = page.object_list, listed.listing.seated
        # Everything the rendered cards depend on that a new frame generation does not
        # cover: which events, what their dates show until the list's next time boundary,
        # and the seats left.
        cards_key = (
            filters_key(filters),
            shown.ids,
            listed.listing.until,
            [(pk, taken) for pk, taken in sorted(shown.seats_taken.items()) if pk in seated],
        )
        query = request.GET.copy()
        query.pop("seite", None)
        feed_query = {
            key: filters[key]
            for key in ("typ", "zielgruppe", "format", "veranstalter")
            if key in filters
        }
        feed_url = page_url(self, request) + self.reverse_subpage("feed")
        if feed_query:
            feed_url += "?" + urlencode(feed_query)
        # Members' own calendars (events.external): beside ours on the first page of
        # the unfiltered upcoming list; one query.
        external = []
        if not archive and not filters and page.number == 1:
            from ..external import upcoming_external

            site = Site.find_for_request(request)
            external = upcoming_external(site.pk) if site else []
        return {
            "external_events": external,
            "archive": archive,
            "filter_form": form,
            "filter_fields_html": self.filter_fields_html(form, archive=archive),
            "events": page,
            "cards_key": cards_key,
            "keep_cards": keep,
            "paginator_query": query.urlencode(),
            "feed_url": feed_url,
            "webcal_url": webcal_url(feed_url),
        }

    @path("")
    def upcoming(self, request):
        return self.render(request, context_overrides=self.listing_context(request, archive=False))

    @path("archiv/", name="archive")
    def archive(self, request):
        return self.render(request, context_overrides=self.listing_context(request, archive=True))

    @path("ical/", name="feed")
    def feed(self, request):
        from ..feed_cache import normalised_query
        from ..feeds import calendar_response
        from ..forms import EventFilterForm
        from ..listing import apply_filters, feed_dates, visible_events

        form = EventFilterForm(request.GET or None, with_month=False)
        filters = form.filters()
        name = self.title
        dates = feed_dates(apply_filters(visible_events(self), filters))
        # Members' events only where a source chose it, and only in the unfiltered feed.
        external, external_version = [], ""
        if not filters:
            from ..external import entries_version, republished_entries

            site = Site.find_for_request(request)
            external = republished_entries(site.pk) if site else []
            external_version = entries_version(external)
        return calendar_response(
            request,
            dates,
            name=name,
            parent=self,
            extra_version=f"{name}|{form.normalized_query()}|{external_version}",
            query=normalised_query(request),
            extra_entries=external,
            all_dates=not filters,
        )


DATE_SPAN_FIELDS = ("first_date_start", "last_date_end")


def _date_order(date):
    return (date.start, date.sort_order or 0)


class EventPage(
    GermanSlugMixin,
    RestrictionsFromCache,
    RoutablePageMixin,
    RegistrationPageMixin,
    RecurrenceMixin,
    Page,
):
    """What every event has: dates, place, format, audience, organiser, costs, status.

    `online_access_link` is for registered participants only; it is never rendered on a
    public page nor written to any calendar file.

    Registrations come from `registrations.models.RegistrationPageMixin`; the methods
    under "for the registrations app" are what that app asks of an event.
    """

    teaser = models.TextField(
        _("Kurzbeschreibung"), blank=True, help_text=_("Ein, zwei Sätze für Listen und Kalender.")
    )
    description = StreamField(BodyBlock(), blank=True, verbose_name=_("Beschreibung"))
    event_format = models.CharField(
        _("Format"), max_length=20, choices=EventFormat.choices, default=EventFormat.IN_PERSON
    )
    venue = models.ForeignKey(
        "events.Venue",
        verbose_name=_("Veranstaltungsort"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    online_access_link = models.URLField(
        _("Zugangslink (online)"),
        blank=True,
        help_text=_("Nur für angemeldete Teilnehmer:innen; wird nie öffentlich angezeigt."),
    )
    audiences = ParentalManyToManyField(
        "events.Audience", verbose_name=_("Zielgruppen"), blank=True, related_name="events"
    )
    organiser_name = models.CharField(
        _("Veranstalter"),
        max_length=200,
        blank=True,
        help_text=_("Leer lassen, wenn die Netzwerkkoordination veranstaltet."),
    )
    organiser_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("Veranstalter (Mitgliedsorganisation)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    costs = models.CharField(_("Kosten"), max_length=200, default="kostenfrei", blank=True)
    teaching_units = models.DecimalField(
        _("Unterrichtseinheiten"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    cpd_points = models.DecimalField(
        _("Fortbildungspunkte"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    documents = StreamField(
        [("document", DocumentLinkBlock())],
        blank=True,
        verbose_name=_("Unterlagen"),
        help_text=_("z. B. Programm als PDF, Folien nach der Veranstaltung"),
    )
    status = models.CharField(
        _("Status"), max_length=20, choices=EventStatus.choices, default=EventStatus.SCHEDULED
    )
    cancelled_at = models.DateTimeField(_("abgesagt am"), null=True, blank=True, editable=False)
    # The span of the event's own dates (`EventDate`: of a series its first occurrence),
    # stored so that the admin's listing orders and filters by an index instead of
    # aggregating every event's dates (issue #19). Written by `save` from the dates it
    # commits and by `refresh_date_spans` after a date is written on its own (see
    # `set_date_span`); never edited by hand.
    first_date_start = models.DateTimeField(
        _("erster Termin"), null=True, blank=True, editable=False, db_index=True
    )
    last_date_end = models.DateTimeField(
        _("Ende des letzten Termins"), null=True, blank=True, editable=False, db_index=True
    )
    cancellation_message = models.TextField(
        _("Absagegrund / Nachricht an Teilnehmende"),
        blank=True,
        help_text=_(
            "Steht in der Absage-E-Mail an alle Angemeldeten, wenn die Veranstaltung als "
            "„abgesagt“ veröffentlicht wird (optional)."
        ),
    )

    content_panels = Page.content_panels + [
        FieldPanel("teaser"),
        InlinePanel("dates", label=_("Termin"), min_num=1, heading=_("Termine")),
        *RecurrenceMixin.recurrence_panels,
        InlinePanel(
            "recurrence_exceptions",
            label=_("Ausnahme"),
            heading=_("Ausnahmen der Wiederholung (abgesagte oder verlegte Termine)"),
            classname="collapsed",
        ),
        MultiFieldPanel(
            [
                FieldPanel("event_format"),
                FieldPanel("venue"),
                FieldPanel("online_access_link"),
            ],
            heading=_("Ort und Format"),
        ),
        FieldPanel("description"),
        InlinePanel("speakers", label=_("Referent:in"), heading=_("Referent:innen")),
        MultiFieldPanel(
            [
                FieldPanel("audiences", widget=forms.CheckboxSelectMultiple),
                FieldPanel("organiser_name"),
                PageChooserPanel("organiser_page", ["members.MemberPage"]),
                FieldPanel("costs"),
                FieldRowPanel([FieldPanel("teaching_units"), FieldPanel("cpd_points")]),
            ],
            heading=_("Zielgruppe, Veranstalter, Kosten"),
        ),
        FieldPanel("documents"),
        FieldPanel("status"),
        FieldPanel("cancellation_message"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("teaser"),
        index.SearchField("description"),
        index.FilterField("status"),
    ]

    parent_page_types = ["events.EventIndexPage"]
    subpage_types = []
    is_creatable = False
    # Fetched with the page when it is routed to (kinderschutz_cms/routing.py).
    route_select_related = ["venue"]
    template = "events/event_page.html"
    base_form_class = EventPageForm  # guard rails before publishing (admin_forms)

    class Meta:
        verbose_name = _("Veranstaltung")
        verbose_name_plural = _("Veranstaltungen")
        # The feed's window finds a series by its end (`listing.feed_dates`).
        indexes = [models.Index(fields=["recurrence_end"])]

    def save(self, *args, **kwargs):
        """Save, and with the dates (a full save, or `update_fields` naming "dates") also
        their span (`set_date_span`), so the row never keeps the span of dates it
        replaced."""
        update_fields = kwargs.get("update_fields")
        with_dates = update_fields is None or "dates" in update_fields
        if with_dates:
            self.set_date_span()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, *DATE_SPAN_FIELDS}
        # Committing the dates saves and deletes them one by one; their signals need not
        # write the span again (`events.signals.refresh_date_span`).
        self._committing_dates = with_dates
        try:
            return super().save(*args, **kwargs)
        finally:
            self._committing_dates = False

    def set_date_span(self):
        """Set `first_date_start` and `last_date_end` from the dates this instance holds:
        those in memory (a form's or a revision's, committed by the save that follows),
        else the stored ones (one query). The same values the dates' `Min(start)` and
        `Max(end)` give once saved; a draft of a live page (saved with `update_fields`)
        commits no dates and changes nothing."""
        dates = self.dates.all()
        if isinstance(dates, FakeQuerySet):  # in memory (always so for an unsaved page)
            starts = [d.start for d in dates if d.start is not None]
            ends = [d.end for d in dates if d.end is not None]
            self.first_date_start = min(starts, default=None)
            self.last_date_end = max(ends, default=None)
        else:
            span = dates.aggregate(first=models.Min("start"), last=models.Max("end"))
            self.first_date_start, self.last_date_end = span["first"], span["last"]

    @classmethod
    def refresh_date_spans(cls, page_ids):
        """Write `first_date_start` and `last_date_end` of the events `page_ids` from
        their stored dates: one UPDATE, whatever the number of events (for dates written
        without their page: directly, in bulk, or deleted)."""
        from .schedule import EventDate

        def of_dates(aggregate):
            rows = (
                EventDate.objects.filter(page=models.OuterRef("pk"))
                .order_by()
                .values("page")
                .annotate(value=aggregate)
                .values("value")
            )
            return models.Subquery(rows)

        return EventPage.objects.filter(pk__in=page_ids).update(
            first_date_start=of_dates(models.Min("start")),
            last_date_end=of_dates(models.Max("end")),
        )

    @property
    def type_label(self):
        """Fortbildung, Fachtag, Netzwerktreffen: from the content type (cached, no query)."""
        return (self.specific_class or type(self))._meta.verbose_name

    @property
    def is_cancelled(self):
        return self.status == EventStatus.CANCELLED

    def get_context(self, request, *args, **kwargs):
        """Dates, speakers, audiences and the calendar links, in a fixed number of queries."""
        from ..feeds import webcal_url

        context = super().get_context(request, *args, **kwargs)
        # Sorted in Python so that previews (unsaved dates, in memory) render the same way.
        context["dates"] = sorted(self.dates.all(), key=_date_order)
        # The registration box reads the first and last date again (registration_start/end).
        self._sorted_dates = context["dates"]
        context["speakers"] = list(self.speakers.all())
        context["audience_list"] = list(self.audiences.all())
        context["is_upcoming"] = any(d.end >= timezone.now() for d in context["dates"])
        if self.recurrence_rule and self.pk:
            context.update(self.recurrence_context())
        if self.pk and self.live:
            context["ical_url"] = page_url(self, request) + self.reverse_subpage("ical")
        calendar = self.get_parent() if self.pk else None
        if calendar is not None:
            feed_url = page_url(calendar, request) + "ical/"  # EventIndexPage's feed route
            context["feed_url"] = feed_url
            context["webcal_url"] = webcal_url(feed_url)
        return context

    # ---- for the registrations app (see RegistrationPageMixin)

    def sorted_dates(self):
        """The dates in order, read once per page object (the event page's context, the
        registration box, the form's and personal page's facts all share the list)."""
        if getattr(self, "_sorted_dates", None) is None:
            self._sorted_dates = sorted(self.dates.all(), key=_date_order)
        return self._sorted_dates

    def registration_start(self):
        dates = self.sorted_dates()
        return dates[0].start if dates else None

    def registration_end(self):
        dates = self.sorted_dates()
        return max(d.end for d in dates) if dates else None

    def registration_workshop_slots(self):
        """The time slots with parallel workshops, workshops prefetched (one query and
        their prefetch; none for an event type without a programme, e.g. a training)."""
        from .schedule import TimeSlot

        if not hasattr(self.specific_class or type(self), "time_slots"):
            return []  # only a Fachtag has time slots (their ParentalKey names it)
        return list(
            TimeSlot.objects.filter(page_id=self.pk, kind=TimeSlotKind.WORKSHOPS)
            .prefetch_related("workshops")
            .order_by("sort_order", "start", "pk")
        )

    def registration_occurrences(self, now=None):
        """The occurrences of a series one can register for (not cancelled, starting
        after `now`), at most the expansion limit; None for a single event (one query)."""
        if not self.recurrence_rule:
            return None
        from .recurrence import Occurrence

        return list(
            Occurrence.objects.filter(
                page_id=self.pk, cancelled=False, start__gt=now or timezone.now()
            )
            .select_related("venue")
            .order_by("start", "pk")
        )

    def registration_occurrence(self, day):
        """The occurrence the rule gives on the local `day` (moved, cancelled or past
        ones too), or None when the series has no occurrence that day (one query)."""
        from datetime import datetime, time, timedelta

        from .. import recurrence
        from .recurrence import Occurrence

        tz = recurrence.local_zone()
        first = datetime.combine(day, time.min, tz)
        last = datetime.combine(day + timedelta(days=1), time.min, tz)
        return (
            Occurrence.objects.filter(
                page_id=self.pk, original_start__gte=first, original_start__lt=last
            )
            .select_related("venue")
            .order_by("original_start", "pk")
            .first()
        )

    def _occurrence_calendar(self, occurrence):
        from .. import ical

        first = self.dates.select_related("page", "page__venue").order_by("start", "pk").first()
        return ical.build_occurrence_calendar(first, occurrence, name=self.title, page_url=page_url)

    def calendar_file(self, occurrence=None):
        """This event's dates as .ics bytes (the calendar's pure builder); with an
        `occurrence` of a series only that one (`ical.build_occurrence_calendar`)."""
        from .. import ical
        from ..listing import feed_dates, with_feed_data

        if occurrence is not None:
            return self._occurrence_calendar(occurrence).to_ical()
        dates = feed_dates(EventPage.objects.filter(pk=self.pk), window=False)
        return ical.build_calendar(
            with_feed_data(dates), name=self.title, page_url=page_url
        ).to_ical()

    def cancellation_calendar_file(self, organizer, occurrence=None):
        """This event's dates (or one `occurrence`) as a METHOD:CANCEL .ics (same UIDs,
        higher SEQUENCE)."""
        from .. import ical
        from ..listing import feed_dates, with_feed_data

        if occurrence is not None:
            return ical.as_cancellation(self._occurrence_calendar(occurrence), organizer).to_ical()
        dates = feed_dates(EventPage.objects.filter(pk=self.pk), window=False)
        return ical.build_cancellation(
            with_feed_data(dates),
            name=self.title,
            page_url=lambda e: e.get_full_url(),
            organizer=organizer,
        ).to_ical()

    def registration_place(self):
        if self.event_format == EventFormat.ONLINE:
            return str(_("online"))
        return str(self.venue) if self.venue_id else ""

    def registration_credits(self):
        return self.teaching_units, self.cpd_points

    @classmethod
    def registration_ended_before(cls, cutoff):
        """Events whose last date ended before `cutoff`; of a series, its last occurrence
        (`recurrence_end`): registrations for a later occurrence are never purged early."""
        from django.db.models.functions import Coalesce, Greatest

        last_date = models.Max("dates__end")
        return EventPage.objects.annotate(
            last_end=Greatest(last_date, Coalesce("recurrence_end", last_date))
        ).filter(last_end__lt=cutoff)

    @classmethod
    def registration_upcoming(cls, now):
        """`first_start`: the first date, or of a series its next occurrence to begin."""
        from django.db.models.functions import Coalesce

        from .recurrence import Occurrence

        next_occurrence = models.Subquery(
            Occurrence.objects.filter(page=models.OuterRef("pk"), start__gt=now, cancelled=False)
            .order_by("start")
            .values("start")[:1]
        )
        return (
            EventPage.objects.filter(registration_enabled=True)
            .exclude(status=EventStatus.CANCELLED)
            .annotate(first_start=Coalesce(next_occurrence, models.Min("dates__start")))
            .filter(first_start__gt=now)
        )

    @path("ical/", name="ical")
    def ical(self, request):
        """This event's dates as a file to import ("In Kalender eintragen")."""
        from ..feeds import calendar_response
        from ..listing import feed_dates

        if self.get_view_restrictions().exists() or (
            self.expire_at and self.expire_at <= timezone.now()
        ):
            # Private events never leave the site as a calendar file, even for insiders.
            raise Http404
        dates = feed_dates(EventPage.objects.filter(pk=self.pk), window=False)
        return calendar_response(
            request,
            dates,
            name=self.title,
            parent=self.get_parent(),
            extra_version=f"{self.title}|{self.url_path}",
            filename=f"{self.slug}.ics",
            gate=self,
        )


class Speaker(Orderable):
    """A speaker or trainer of an event (Referent:in)."""

    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="speakers")
    name = models.CharField(_("Name"), max_length=200)
    role = models.CharField(_("Funktion, Organisation"), max_length=255, blank=True)

    panels = [FieldRowPanel([FieldPanel("name"), FieldPanel("role")])]

    class Meta(Orderable.Meta):
        verbose_name = _("Referent:in")
        verbose_name_plural = _("Referent:innen")

    def __str__(self):
        return self.name


class TrainingPage(EventPage):
    """A training (Fortbildung), possibly with several dates (modules)."""

    parent_page_types = ["events.EventIndexPage"]
    subpage_types = []
    is_creatable = True
    template = "events/event_page.html"

    class Meta:
        verbose_name = _("Fortbildung")
        verbose_name_plural = _("Fortbildungen")


class FachtagPage(EventPage):
    """A conference day with a programme of time slots and parallel workshops."""

    content_panels = EventPage.content_panels + [
        InlinePanel("time_slots", label=_("Zeitfenster"), heading=_("Programm")),
    ]

    parent_page_types = ["events.EventIndexPage"]
    subpage_types = []
    is_creatable = True
    template = "events/fachtag_page.html"
    base_form_class = FachtagAdminForm  # workshop slots; guard rails (admin_forms)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        slots = self.time_slots.all()
        if not isinstance(slots, FakeQuerySet):  # in previews the programme is in memory
            slots = slots.prefetch_related("workshops")
        context["time_slots"] = list(slots)
        return context

    class Meta:
        verbose_name = _("Fachtag")
        verbose_name_plural = _("Fachtage")


class NetworkMeetingPage(EventPage):
    """A meeting of the network's members (Netzwerktreffen)."""

    parent_page_types = ["events.EventIndexPage"]
    subpage_types = []
    is_creatable = True
    template = "events/event_page.html"

    class Meta:
        verbose_name = _("Netzwerktreffen")
        verbose_name_plural = _("Netzwerktreffen")
