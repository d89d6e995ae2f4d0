import pytest
from django.contrib.auth.models import Group


@pytest.fixture
def coordinator(db, django_user_model):
    """May see registrations (the "Koordination" group): needs a second factor."""
    user = django_user_model.objects.create_user(
        "koordination", "k@example.org", "ein-langes-passwort-2026"
    )
    user.groups.add(Group.objects.get(name="Koordination"))
    return user


def login(client, username, password):
    return client.post(
        "/admin/login/", {"username": username, "password": password, "next": "/admin/"}
    )
