"""Personal links of registrations (signed tokens, see events.tokens)."""

from django.urls import path

from . import certificate_views, views

app_name = "registration_links"

urlpatterns = [
    path("anmeldung/organisationen/", views.organisation_search, name="organisation_search"),
    path("anmeldung/<str:token>/", views.registration_detail, name="registration_detail"),
    path("anmeldung/<str:token>/abmelden/", views.registration_cancel, name="registration_cancel"),
    path(
        "anmeldung/<str:token>/bestaetigen/",
        views.registration_confirm,
        name="registration_confirm",
    ),
    path(
        "anmeldung/<str:token>/workshop/",
        views.registration_change_workshop,
        name="registration_change_workshop",
    ),
    path("anmeldung/<str:token>/kalender.ics", views.registration_ics, name="registration_ics"),
    path(
        "anmeldung/<str:token>/bescheinigung.pdf",
        certificate_views.certificate_download,
        name="certificate_download",
    ),
    path(
        "anmeldung/<str:token>/unterlagen/<int:pk>/",
        certificate_views.material_download,
        name="material_download",
    ),
    path("anmeldung/<str:token>/feedback/", certificate_views.feedback_view, name="feedback"),
    path(
        "bescheinigung/pruefen/",
        certificate_views.certificate_verify,
        name="certificate_verify",
    ),
    path(
        "bescheinigung/<str:number>/",
        certificate_views.certificate_verify,
        name="certificate",
    ),
]
