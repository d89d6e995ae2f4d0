"""Public endpoints of the member self-service (members/views_self_service.py)."""

from django.urls import path

from . import views_self_service as views

app_name = "member_self_service"

urlpatterns = [
    path(
        "netzwerkpartner/<int:member_id>/eintrag-aktualisieren/",
        views.request_link,
        name="request_link",
    ),
    path("netzwerkpartner/eintrag/<str:token>/", views.edit_entry, name="edit"),
    path("netzwerkpartner/eintrag/<str:token>/gesendet/", views.edit_done, name="edit_done"),
    path("netzwerkpartner/pruefen/<str:token>/", views.check_entry, name="check"),
]
