"""The frame every page shares: navigation, footer, the form field include."""

import pytest
from django import forms
from django.template.loader import render_to_string

from kinderschutz_cms.models import ContentPage, NetworkSettings

FORM_FIELD = "kinderschutz_cms/includes/form_field.html"

pytestmark = pytest.mark.django_db


@pytest.fixture
def sections(home_page):
    about = ContentPage(title="Über uns", slug="ueber-uns", show_in_menus=True)
    home_page.add_child(instance=about)
    team = ContentPage(title="Team", slug="team", show_in_menus=True)
    about.add_child(instance=team)
    other = ContentPage(title="Meldewege", slug="meldewege", show_in_menus=True)
    home_page.add_child(instance=other)
    return about, team, other


def nav(html):
    return html.split('aria-label="Hauptnavigation"', 1)[1].split("</nav>", 1)[0]


def test_menu_marks_current_page_and_section(client, sections):
    on_about = nav(client.get("/ueber-uns/").content.decode())
    on_team = nav(client.get("/ueber-uns/team/").content.decode())

    assert '<a href="/ueber-uns/" aria-current="page">' in on_about
    assert '<a href="/meldewege/">' in on_about
    assert '<a href="/ueber-uns/" aria-current="true">' in on_team
    assert '<a href="/meldewege/">' in on_team
    assert "Team" not in on_team  # only top-level pages in the menu


def test_footer_links_legal_pages_and_accessibility_feedback(client, home_page):
    settings = NetworkSettings.for_site(home_page.get_site())
    settings.coordination_email = "netzwerk@kinderschutz.example"
    for field, slug, title in [
        ("imprint_page", "impressum", "Impressum"),
        ("privacy_page", "datenschutz", "Datenschutz"),
        ("accessibility_page", "barrierefreiheit", "Erklärung zur Barrierefreiheit"),
        ("easy_language_page", "leichte-sprache", "Leichte Sprache"),
    ]:
        page = ContentPage(title=title, slug=slug)
        home_page.add_child(instance=page)
        setattr(settings, field, page)
    settings.save()

    html = client.get("/").content.decode()

    footer = html.split("<footer", 1)[1]
    assert '<a href="/impressum/">Impressum</a>' in footer
    assert '<a href="/datenschutz/">Datenschutz</a>' in footer
    assert '<a href="/barrierefreiheit/">Erklärung zur Barrierefreiheit</a>' in footer
    assert '<a href="/leichte-sprache/">Leichte Sprache</a>' in footer
    assert '<a href="/barriere-melden/?seite=/">Barriere melden</a>' in footer


class ExampleForm(forms.Form):
    name = forms.CharField(label="Name", help_text="Vor- und Nachname")
    sector = forms.ChoiceField(
        label="Bereich", choices=[("kita", "Kita"), ("schule", "Schule")], widget=forms.RadioSelect
    )
    consent = forms.BooleanField(label="Ich willige ein.")
    note = forms.CharField(label="Hinweis", required=False)


def test_form_field_include_ties_label_help_and_errors_to_the_input():
    form = ExampleForm(data={"sector": "x"})
    form.is_valid()

    html = render_to_string(FORM_FIELD, {"field": form["name"]}) + render_to_string(
        FORM_FIELD, {"field": form["note"]}
    )

    assert '<label for="id_name">Name <span class="required">(Pflichtfeld)</span></label>' in html
    assert '<p class="helptext" id="id_name_helptext">Vor- und Nachname</p>' in html
    assert 'id="id_name_error"' in html
    assert 'aria-describedby="id_name_helptext id_name_error"' in html
    assert 'aria-invalid="true"' in html
    assert '<label for="id_note">Hinweis</label>' in html


def test_form_field_include_groups_radios_in_a_fieldset():
    form = ExampleForm(data={"sector": "x"})
    form.is_valid()

    html = render_to_string("kinderschutz_cms/includes/form_field.html", {"field": form["sector"]})

    assert '<fieldset aria-describedby="id_sector_error">' in html
    assert "<legend>Bereich" in html
    assert 'id="id_sector_error"' in html


def test_form_field_include_puts_checkbox_before_its_label():
    form = ExampleForm(data={})
    form.is_valid()

    html = render_to_string("kinderschutz_cms/includes/form_field.html", {"field": form["consent"]})

    assert html.index('type="checkbox"') < html.index('<label for="id_consent">')
    assert 'aria-describedby="id_consent_error"' in html


def test_error_summary_links_to_fields():
    form = ExampleForm(data={})
    form.is_valid()

    html = render_to_string("kinderschutz_cms/includes/error_summary.html", {"form": form})

    assert 'role="alert"' in html
    assert '<a href="#id_name">Name: ' in html
