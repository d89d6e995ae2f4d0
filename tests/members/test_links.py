"""Maintainers' links: single-purpose, expiring, revoked with the contact person."""

import time

import pytest
from django.core import signing

from members import links

from .factories import make_contact, make_member

pytestmark = pytest.mark.django_db


def _member_with_contact(home, email="leitung@kita-sonnenschein.de"):
    member = make_member(home, title="Kita Sonnenschein")
    contact = make_contact(page=member, name="Anna Schulz", email=email)
    make_contact(page=member, name="Ohne Adresse", email="")
    return member, contact


def test_a_link_opens_for_its_purpose_only(index_page):
    member, contact = _member_with_contact(index_page)
    token = links.make_token(contact, links.EDIT)
    link = links.read_token(token, links.EDIT)
    assert (link.member.pk, link.contact.pk) == (member.pk, contact.pk)
    with pytest.raises(links.InvalidLink):
        links.read_token(token, links.SIGN)


def test_maintainers_are_contacts_with_an_address(index_page):
    member, contact = _member_with_contact(index_page)
    assert links.maintainers(member) == [contact]


def test_expired_tampered_and_revoked_links_are_refused(index_page):
    member, contact = _member_with_contact(index_page)
    with pytest.raises(links.InvalidLink):
        links.read_token(
            links.make_token(contact, links.EDIT, expires=int(time.time()) - 1), links.EDIT
        )
    forged = signing.dumps({"m": member.pk, "c": contact.pk, "e": contact.email, "x": 2**40})
    with pytest.raises(links.InvalidLink):
        links.read_token(forged, links.EDIT)
    token = links.make_token(contact, links.SIGN, reference=7)
    assert links.read_token(token, links.SIGN).reference == 7
    contact.email = "neu@kita-sonnenschein.de"
    contact.save()
    with pytest.raises(links.InvalidLink):
        links.read_token(token, links.SIGN)
    token = links.make_token(contact, links.CHECK)
    contact.delete()
    with pytest.raises(links.InvalidLink):
        links.read_token(token, links.CHECK)
