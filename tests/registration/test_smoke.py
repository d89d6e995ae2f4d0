import pytest

from events.models import Registration

from .factories import post_registration, register_url


@pytest.mark.django_db
def test_register_through_form(client, event):
    r = client.get(register_url(event))
    assert r.status_code == 200, r.content
    r = post_registration(client, event, email="a@example.org")
    assert r.status_code == 302, r.content.decode()
    reg = Registration.objects.get()
    assert reg.status == "confirmed"
    r = client.get(r["Location"])
    assert r.status_code == 200
    assert "Bestätigt" in r.content.decode()
