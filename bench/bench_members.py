"""The member directory and the cooperation agreement at two sizes.

Builds the site frame and the demo members in a throwaway database (bench/common.py), then
requests the directory through Django's test client: unfiltered (first page) and with a
search plus the IseF filter (second page), at 10 and 1000 members. The query count must be
the same at both sizes.

Agreements (issue #19): two agreement versions signed by 25 and by 2,500 members; for
each, the admin edit page (GET, superuser), a publish through the editor (POST) and the
public agreement page: queries, median ms and bytes.

    .venv/bin/python bench/run_all.py members
"""

import time

from common import Figure, count_queries, median_time, setup_django

SIZES = (10, 1000)
SIGNATURE_SIZES = (25, 2500)
URL = "/netzwerkpartner/"
FILTERED = {"q": "beratung", "isef": "on", "page": "2"}


def run():
    setup_django()
    from django.test import Client

    from demo import members as demo
    from demo.site import build_site

    home = build_site()
    index = demo.build_index(home)
    client = Client()
    figures = []
    for size in SIZES:
        started = time.perf_counter()
        demo.build_members(index, size)
        built = time.perf_counter() - started
        client.get(URL)  # warm caches
        figures += [
            Figure("members", f"build members up to {size}", built, "s"),
            Figure(
                "members",
                f"directory queries, {size} members",
                count_queries(lambda: client.get(URL)),
            ),
            Figure(
                "members",
                f"directory median, {size} members",
                median_time(lambda: client.get(URL)),
                "ms",
            ),
            Figure(
                "members",
                f"filtered directory queries, {size} members",
                count_queries(lambda: client.get(URL, FILTERED)),
            ),
            Figure(
                "members",
                f"filtered directory median, {size} members",
                median_time(lambda: client.get(URL, FILTERED)),
                "ms",
            ),
        ]
    figures += agreement_figures(home, index, client)
    return figures


def _pass_second_factor(client, user):
    """What the admin login's second step leaves in the session (as tests/conftest.py)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="Bench", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def agreement_figures(home, index, client):
    """Admin edit, publish and public page of agreements with 25 and 2,500 signatures."""
    import datetime

    from django.contrib.auth import get_user_model
    from django.urls import reverse
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

    from demo import members as demo
    from members.models import AgreementPage, Signatory

    started = time.perf_counter()
    members = demo.build_members(index, max(SIGNATURE_SIZES))
    built = time.perf_counter() - started
    admin = get_user_model().objects.create_superuser("bench-admin", "bench@example.org", "x")
    admin_client = type(client)()
    admin_client.force_login(admin)
    _pass_second_factor(admin_client, admin)  # the admin asks for a second factor
    figures = [Figure("members", f"build members up to {max(SIGNATURE_SIZES)}", built, "s")]
    for size in SIGNATURE_SIZES:
        agreement = AgreementPage(
            title="Kooperationsvereinbarung Kinderschutz",
            slug=f"vereinbarung-{size}",
            version=f"{size}.0",
            valid_from=datetime.date(2020, 1, 1),
        )
        home.add_child(instance=agreement)
        agreement.save_revision().publish()
        Signatory.objects.bulk_create(
            (
                Signatory(page=agreement, member=m, signed_on=datetime.date(2025, 1, 1))
                for m in members[:size]
            ),
            batch_size=500,
        )
        edit_url = reverse("wagtailadmin_pages:edit", args=(agreement.pk,))
        publish_data = nested_form_data(
            {
                "title": agreement.title,
                "slug": agreement.slug,
                "version": agreement.version,
                "valid_from": "2020-01-01",
                "body": streamfield([]),
                "comments": inline_formset([]),
                "action-publish": "action-publish",
            }
        )
        public_url = agreement.url

        def edit(url=edit_url):
            response = admin_client.get(url)
            assert response.status_code == 200, response.status_code
            return response

        def publish(url=edit_url, data=publish_data):
            response = admin_client.post(url, data)
            assert response.status_code == 302, response.status_code
            return response

        def public(url=public_url):
            return client.get(url)

        for label, fn, repeat in [
            ("admin edit", edit, 5),
            ("publish (redirect)", publish, 5),
            ("public page", public, 15),
        ]:
            fn()  # warm caches
            figures += [
                Figure(
                    "members", f"agreement {label} queries, {size} signatures", count_queries(fn)
                ),
                Figure(
                    "members",
                    f"agreement {label} median, {size} signatures",
                    median_time(fn, repeat=repeat, warmup=0),
                    "ms",
                ),
                Figure(
                    "members",
                    f"agreement {label} bytes, {size} signatures",
                    len(fn().content),
                    "B",
                ),
            ]
    return figures
