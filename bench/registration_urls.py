"""Bench-only URLs for bench_registration: the site plus `/bench/form/` (see
registration_site.py)."""

from django import forms
from django.http import HttpResponse, HttpResponseRedirect
from django.template import engines
from django.urls import include, path


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
