"""The barrier report form ("Barriere melden"): thin; the rules are in services/reports.py."""

import math

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from wagtail.models import Site

from kinderschutz_cms.client_ip import client_address, rate_limit_bucket
from registrations.spam import count_attempt

from . import conf
from .forms import BarrierReportForm, new_stamp
from .services.reports import submit_report


@never_cache
def barrier_report(request):
    site = Site.find_for_request(request)
    if site is None:
        raise Http404
    status = 200
    if request.method == "POST":
        form = BarrierReportForm(request.POST)
        if form.is_valid():
            bucket = rate_limit_bucket(client_address(request))
            wait = count_attempt("barrier-report", bucket, conf.limit("BARRIER_REPORT_RATE_LIMIT"))
            if wait:
                minutes = max(math.ceil(wait / 60), 1)
                form.add_error(
                    None,
                    ngettext(
                        "Zu viele Meldungen von Ihrem Anschluss. Bitte warten Sie %(minutes)s "
                        "Minute; Ihre Angaben bleiben erhalten.",
                        "Zu viele Meldungen von Ihrem Anschluss. Bitte warten Sie %(minutes)s "
                        "Minuten; Ihre Angaben bleiben erhalten.",
                        minutes,
                    )
                    % {"minutes": minutes},
                )
                status = 429
            else:
                data = form.cleaned_data
                submit_report(
                    site,
                    page_url=data["page_url"],
                    description=data["description"],
                    name=data["name"],
                    email=data["email"],
                )
                return HttpResponseRedirect(reverse("barrier_report_sent"))
        else:
            status = 400
    else:
        form = BarrierReportForm(initial={"page_url": request.GET.get("seite", "")[:500]})
    # A refused form comes back with what the person typed and a fresh stamp.
    return render(
        request,
        "publicbody/barrier_report_form.html",
        {"form": form, "stamp": new_stamp(), "page_title": _("Barriere melden")},
        status=status,
    )


def barrier_report_sent(request):
    return render(
        request, "publicbody/barrier_report_sent.html", {"page_title": _("Meldung gesendet")}
    )
