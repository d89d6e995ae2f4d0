"""Leichte Sprache hints: each rule points at its sentence; a text written to the rules
gets none; the editor of the site's Leichte Sprache page sees them after saving."""

import pytest

from publicbody.easy_language import hints


def messages_for(text):
    return [(h.sentence, h.message) for h in hints(text)]


def test_a_text_written_to_the_rules_gets_no_hint():
    text = (
        "<p>Wir sind das Netz·werk Kinder·schutz. Wir helfen Kindern. "
        "Sie machen sich Sorgen um ein Kind? Dann rufen Sie uns an.</p>"
    )
    assert hints(text) == []


@pytest.mark.parametrize(
    ("sentence", "rule"),
    [
        (
            "Das Netzwerk arbeitet mit Kitas, Schulen, Ärzten, Beratungsstellen und "
            "der Polizei im ganzen Landkreis eng zusammen.",
            "Langer Satz (16 Wörter)",
        ),
        ("Das steht im SGB.", "Abkürzung"),
        ("Wir helfen z. B. Eltern.", "Abkürzung"),
        ("Die Kinderschutzfachkraft hilft.", "Langes Wort"),
        ("Sie sind nicht allein.", "Verneinung"),
        ("Wir haben zwölf Partner.", "Zahl als Wort"),
        ("Der Antrag wird schnell geprüft.", "Passiv"),
    ],
)
def test_each_rule_points_at_its_sentence(sentence, rule):
    text = f"Wir helfen Kindern. {sentence} Rufen Sie uns an."
    found = messages_for(text)
    assert any(message.startswith(rule) for _, message in found), found
    assert all(pointed == sentence for pointed, _ in found)


@pytest.mark.django_db
def test_the_editor_of_the_easy_language_page_sees_hints(admin_client, home_page):
    from wagtail.test.utils.form_data import nested_form_data, streamfield

    from kinderschutz_cms.models import ContentPage, NetworkSettings

    page = ContentPage(title="Leichte Sprache", slug="leichte-sprache", intro="Wir helfen.")
    home_page.add_child(instance=page)
    settings = NetworkSettings.for_site(home_page.get_site())
    settings.easy_language_page = page
    settings.save()
    response = admin_client.post(
        f"/admin/pages/{page.pk}/edit/",
        nested_form_data(
            {
                "title": "Leichte Sprache",
                "slug": "leichte-sprache",
                "intro": "Sie sind nicht allein.",
                "body": streamfield([]),
            }
        ),
        follow=True,
    )
    html = response.content.decode()
    assert "Leichte Sprache: Verneinung" in html
    page.refresh_from_db()
    assert page.get_latest_revision().content["intro"] == "Sie sind nicht allein."


def test_paragraphs_and_list_items_are_sentences_of_their_own():
    text = "<p>Wir helfen Kindern.</p><p>Sie sind nicht allein.</p><ul><li>Wir hören zu.</li></ul>"
    found = messages_for(text)
    assert [sentence for sentence, _ in found] == ["Sie sind nicht allein."]
