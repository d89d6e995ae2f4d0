"""Views of the member self-service: they turn the services' results into responses.

Pages behind a link are personal: never cached, never indexed. An invalid, expired or
revoked link answers 404 with a German explanation, never 500.
"""

from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods
from wagtail.documents import get_document_model

from . import checks, links, self_service
from .forms_self_service import ContactFormSet, EntryForm, LinkRequestForm, contact_rows
from .models import MemberPage

INVALID_TEMPLATE = "members/self_service/invalid_link.html"


def _personal(response):
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _invalid(request):
    return _personal(render(request, INVALID_TEMPLATE, status=404))


def _read(request, token, purpose):
    try:
        return links.read_token(token, purpose)
    except links.InvalidLink:
        return None


@require_http_methods(["GET", "POST"])
def request_link(request, member_id):
    member = MemberPage.objects.live().filter(pk=member_id).select_related("sector").first()
    if member is None:
        raise Http404
    form = LinkRequestForm(request.POST if request.method == "POST" else None)
    context = {"member": member, "form": form, "sent": False, "refusal": None}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                self_service.request_edit_link(request, member, form.cleaned_data["email"])
                context["sent"] = True
            except self_service.LinkRefused as refusal:
                context["refusal"] = refusal.message
                status = 429
        else:
            status = 400
    response = render(request, "members/self_service/request_link.html", context, status=status)
    return _personal(response)


def _initial(draft):
    entry = {name: getattr(draft, name) for name in self_service.ENTRY_FIELDS}
    entry.update({name: getattr(draft, name) for name in self_service.CONCEPT_FIELDS})
    entry["description"] = self_service.plain_description(draft)
    entry["services"] = ", ".join(tag.name for tag in draft.services.all())
    contacts = [
        {"id": c.pk, **{name: getattr(c, name) for name in self_service.CONTACT_FIELDS}}
        for c in draft.contact_persons.all()
    ]
    return entry, contacts


def _save_document(upload, member):
    document = get_document_model()(title=f"Schutzkonzept {member.title}"[:255], file=upload)
    document.save()
    return document


@require_http_methods(["GET", "POST"])
def edit_entry(request, token):
    link = _read(request, token, links.EDIT)
    if link is None:
        return _invalid(request)
    member = link.member
    draft = self_service.draft_of(member)
    entry_initial, contacts_initial = _initial(draft)
    if request.method == "POST":
        form = EntryForm(request.POST, request.FILES, initial=entry_initial)
        formset = ContactFormSet(request.POST, initial=contacts_initial, prefix="contacts")
        if form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            with transaction.atomic():
                document = None
                if data.get("concept_document"):
                    document = _save_document(data["concept_document"], member)
                description = data["description"]
                self_service.submit_change(
                    link,
                    self_service.EntryChange(
                        fields={
                            name: data[name]
                            for name in self_service.ENTRY_FIELDS + self_service.CONCEPT_FIELDS
                        },
                        services=data["services"],
                        contacts=contact_rows(formset),
                        description=(
                            description if description != entry_initial["description"] else None
                        ),
                        document=document,
                    ),
                )
            return HttpResponseRedirect(reverse("member_self_service:edit_done", args=[token]))
        status = 400
    else:
        form = EntryForm(initial=entry_initial)
        formset = ContactFormSet(initial=contacts_initial, prefix="contacts")
        status = 200
    context = {
        "member": member,
        "draft": draft,
        "form": form,
        "formset": formset,
        "pending": self_service.pending_change(member),
        "contact": link.contact,
    }
    response = render(request, "members/self_service/edit_entry.html", context, status=status)
    return _personal(response)


def edit_done(request, token):
    link = _read(request, token, links.EDIT)
    if link is None:
        return _invalid(request)
    response = render(request, "members/self_service/edit_done.html", {"member": link.member})
    return _personal(response)


@require_http_methods(["GET", "POST"])
def check_entry(request, token):
    link = _read(request, token, links.CHECK)
    check = checks.open_request(link.reference, link.member) if link else None
    if check is None:
        return _invalid(request)
    member = link.member
    confirmed = False
    if request.method == "POST":
        checks.confirm_unchanged(link)
        member.refresh_from_db(fields=["last_checked"])
        confirmed = True
    context = {
        "member": member,
        "contacts": list(member.contact_persons.all()),
        "services": list(member.services.all()),
        "check": check,
        "confirmed": confirmed,
        "edit_url": self_service.edit_path(link.contact, link.reference),
    }
    response = render(request, "members/self_service/check_entry.html", context)
    return _personal(response)
