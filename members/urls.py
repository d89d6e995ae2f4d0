"""Public endpoints of the members app: the signing page of a SIGN link."""

from django.urls import path

from . import signing_views

urlpatterns = [
    path("unterzeichnen/<str:token>/", signing_views.signing_page, name="members_signing_page"),
]
