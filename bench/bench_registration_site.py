"""Bench-only settings and URLs for bench_registration (never used by the product).

The production settings plus one extra endpoint, `/bench/form/`: a plain form POST that
validates five fields and stores one `wagtail.contrib.forms` FormSubmission, which is what a
Wagtail form page does on submit. It is the baseline the registration POST is compared with.
"""

from kinderschutz_cms.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench_registration_site"

from django import forms  # noqa: E402
from django.http import HttpResponse, HttpResponseRedirect  # noqa: E402
from django.template import engines  # noqa: E402
from django.urls import include, path  # noqa: E402


class PlainForm(forms.Form):
    first_name = forms.CharField(max_length=100)
    last_name = forms.CharField(max_length=100)
    email = forms.EmailField()
    organisation = forms.CharField(max_length=200)
    privacy_consent = forms.BooleanField()


TEMPLATE = '<form method="post">{% csrf_token %}{{ form.as_p }}<button>OK</button></form>'


def plain_form(request):
    from wagtail.contrib.forms.models import FormSubmission
    from wagtail.models import Site

    form = PlainForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        page = Site.objects.get(is_default_site=True).root_page
        FormSubmission.objects.create(page=page, form_data=form.cleaned_data)
        return HttpResponseRedirect("/bench/form/?ok=1")
    template = engines["django"].from_string(TEMPLATE)
    return HttpResponse(template.render({"form": form}, request))


urlpatterns = [
    path("bench/form/", plain_form),
    path("", include("kinderschutz_cms.urls")),
]
