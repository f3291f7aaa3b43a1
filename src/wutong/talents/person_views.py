"""The person page (一人一档) and its in-page editors: histories, category recognition,
honours, tags, pools and attachments. Each editor is a small form loaded into the page with
HTMX (or shown as a page of its own without JavaScript); saving goes through a service and
lands back on the page, at the section that changed."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wutong.core.errors import AppError, NotFound, PermissionDenied
from wutong.core.views.base import apply_app_error, require_perm
from wutong.talents import forms as person_forms
from wutong.talents import selectors, services, timeline
from wutong.talents.models import Attachment, Pool, PoolMembership, Talent

# --- the page ----------------------------------------------------------------------------------

def person_page(request, pk: int):
    user = request.user
    talent = selectors.talent_file(user=user, pk=pk)
    # The file was read within the user's scope, and a scope does not depend on the action
    # (core.scope.DataScope.q_for), so what else the user may do here is their role's grant.
    # These only decide which buttons show: every editor re-checks with get_restricted.
    can_change = user.has_perm("talents.change_talent")
    can = {
        "change": can_change,
        "reveal": user.has_perm("talents.reveal_talent"),
        "pools": can_change and user.has_perm("talents.change_pool"),
        "attach": can_change and user.has_perm("talents.add_attachment"),
        "unattach": can_change and user.has_perm("talents.delete_attachment"),
        "download": user.has_perm("talents.view_attachment"),
    }
    memberships = [{"m": m, "pool": m.pool, "fields": [
        (f.get("label") or f["key"], (m.extra or {}).get(f["key"], ""))
        for f in m.pool.extra_fields or [] if isinstance(f, dict) and f.get("key")]}
        for m in sorted(talent.poolmembership_set.all(), key=lambda m: m.pool.name)]
    return render(request, "talents/talent_detail.html", {
        "t": talent, "can": can, "memberships": memberships,
        "events": timeline.person_events(talent),
        "sections": timeline.sections_for(user, talent)})


def _talent_to_change(user, pk: int) -> Talent:
    """The talent the user may change, else 404 — or 403 for one they may only read."""
    try:
        return Talent.objects.select_related("region").get_restricted(user, "change", pk=pk)
    except NotFound:
        if Talent.objects.restrict(user, "view").filter(pk=pk).exists():
            raise PermissionDenied(_("您只能查看这份档案，不能修改。")) from None
        raise


def _back(request, talent: Talent, anchor: str, message: str | None = None):
    """After a save: a message, and the person page at the section that changed."""
    if message:
        messages.success(request, message)
    if request.htmx:  # reload the person page where the user is (the browser keeps the
        response = HttpResponse(status=200)  # scroll position); a redirect to the same path
        response["HX-Refresh"] = "true"      # with only a new #anchor would not reload it
        return response
    return redirect(reverse("talents:talent_detail", args=[talent.pk]) + f"#{anchor}")


def _form_response(request, talent: Talent, form, *, title, action: str, anchor: str,
                   multipart: bool = False, status: int = 200):
    context = {"t": talent, "form": form, "form_title": title, "action": action,
               "anchor": anchor, "multipart": multipart}
    template = ("talents/partials/person_form.html" if request.htmx
                else "talents/person_form_page.html")
    return render(request, template, context, status=status)


# --- histories: one view pair serves every kind ------------------------------------------------

@dataclass(frozen=True)
class HistoryKind:
    noun: str
    related: str               # Talent's related name
    form: type
    title: str
    add: object                # services.<noun>_add(user=, talent=, **values)
    update: object | None      # services.<noun>_update(user=, <item_arg>=, **values)
    delete: object             # services.<noun>_delete(user=, <item_arg>=)
    item_arg: str
    fields: tuple[str, ...]


KINDS = {k.noun: k for k in (
    HistoryKind("education", "educations", person_forms.EducationForm, gettext_lazy("学历"),
                services.education_add, services.education_update, services.education_delete,
                "education", ("level", "degree", "school", "major", "graduated_on")),
    HistoryKind("title", "titles", person_forms.TitleForm, gettext_lazy("职称"),
                services.title_add, services.title_update, services.title_delete, "title",
                ("level", "series", "name", "obtained_on")),
    HistoryKind("skill", "skills", person_forms.SkillForm, gettext_lazy("职业技能等级"),
                services.skill_add, services.skill_update, services.skill_delete, "skill",
                ("level", "occupation", "certificate_no", "issuer", "obtained_on")),
    HistoryKind("employment", "employments", person_forms.EmploymentForm,
                gettext_lazy("工作经历"), services.employment_add, services.employment_update,
                services.employment_delete, "employment",
                ("employer", "employer_name", "position", "mode", "started_on", "ended_on")),
    HistoryKind("honour", "honour_list", person_forms.HonourForm, gettext_lazy("荣誉称号"),
                services.honour_add, services.honour_update, services.honour_delete, "honour",
                ("name", "level", "year")),
    HistoryKind("recognition", "recognitions", person_forms.RecognitionForm,
                gettext_lazy("人才类别认定"), services.category_recognise, None,
                services.recognition_delete, "recognition",
                ("category", "recognised_on", "basis", "valid_until")),
)}


def _item(talent: Talent, kind: HistoryKind, item_pk: int):
    try:
        return getattr(talent, kind.related).get(pk=item_pk)
    except (ValueError, TypeError, getattr(talent, kind.related).model.DoesNotExist):
        raise NotFound() from None


def history_form(request, pk: int, kind: str, item: int | None = None):
    """Add (``item`` None) or change one history entry of a person's file."""
    spec = KINDS[kind]
    talent = _talent_to_change(request.user, pk)
    entry = _item(talent, spec, item) if item is not None else None
    if entry is not None and spec.update is None:
        raise NotFound()
    initial = {f: getattr(entry, f) for f in spec.fields} if entry is not None else None
    form = spec.form(request.POST or None, initial=initial, user=request.user, talent=talent)
    action = (reverse(f"talents:{kind}_update", args=[pk, item]) if entry is not None
              else reverse(f"talents:{kind}_create", args=[pk]))
    if request.method == "POST" and form.is_valid():
        values = {f: form.cleaned_data.get(f) for f in spec.fields}
        if "mode" in values:
            values["mode"] = values["mode"] or ""
        try:
            if entry is None:
                spec.add(user=request.user, talent=talent, **values)
            else:
                spec.update(user=request.user, **{spec.item_arg: entry}, **values)
        except AppError as exc:
            apply_app_error(form, exc)
        else:
            return _back(request, talent, kind, _("%(what)s已保存。") % {"what": spec.title})
    title = (_("修改%(what)s") if entry is not None else _("添加%(what)s")) % {
        "what": spec.title}
    return _form_response(request, talent, form, title=title, action=action, anchor=kind)


@require_POST
def history_delete(request, pk: int, kind: str, item: int):
    spec = KINDS[kind]
    talent = _talent_to_change(request.user, pk)
    entry = _item(talent, spec, item)
    try:
        spec.delete(user=request.user, **{spec.item_arg: entry})
    except AppError as exc:
        messages.error(request, exc.message)
        return _back(request, talent, kind)
    return _back(request, talent, kind, _("%(what)s已删除。") % {"what": spec.title})


# --- tags --------------------------------------------------------------------------------------

def tags_edit(request, pk: int):
    talent = _talent_to_change(request.user, pk)
    form = person_forms.TagsForm(request.POST or None,
                                 initial={"tags": " ".join(talent.tags or [])})
    if request.method == "POST" and form.is_valid():
        try:
            services.talent_tags_set(user=request.user, talent=talent,
                                     tags=services.parse_tags(form.cleaned_data["tags"]))
        except AppError as exc:
            apply_app_error(form, exc)
        else:
            return _back(request, talent, "honour", _("标签已保存。"))
    return _form_response(request, talent, form, title=_("编辑标签"),
                          action=reverse("talents:tags_edit", args=[pk]), anchor="honour")


# --- pools -------------------------------------------------------------------------------------

def pool_member_form(request, pk: int):
    """Put the person in a pool (or change their entry) with the pool's extra fields; the
    fields follow the pool chosen (the select reloads the form)."""
    require_perm(request.user, "talents.change_pool")
    talent = _talent_to_change(request.user, pk)
    data = request.POST or None
    chosen = (request.POST or request.GET).get("pool") or ""
    pool = (Pool.objects.restrict(request.user, "change").filter(pk=chosen).first()
            if chosen.isdigit() else None)
    initial = {"pool": pool}
    membership = PoolMembership.objects.filter(pool=pool, talent=talent).first() if pool \
        else None
    if membership is not None:
        initial["joined_on"] = membership.joined_on
        initial.update({f"extra__{k}": v for k, v in (membership.extra or {}).items()})
    if request.method == "GET" and request.GET.get("pool") is not None:
        data = None  # the select changed: show the chosen pool's fields, no errors yet
    action = reverse("talents:pool_member_form", args=[pk])
    form = person_forms.PoolMemberForm(data, initial=initial, user=request.user, pool=pool,
                                       reload_url=action)
    if request.method == "POST" and form.is_valid():
        try:
            services.pool_member_save(user=request.user, pool=form.cleaned_data["pool"],
                                      talent=talent, joined_on=form.cleaned_data["joined_on"],
                                      extra=form.extra_values())
        except AppError as exc:
            apply_app_error(form, exc)
        else:
            return _back(request, talent, "pools", _("已保存入库信息。"))
    title = _("修改入库信息") if membership is not None else _("加入人才库")
    return _form_response(request, talent, form, title=title, action=action,
                          anchor="pools")


@require_POST
def pool_member_remove(request, pk: int, pool: int):
    talent = _talent_to_change(request.user, pk)
    found = Pool.objects.get_restricted(request.user, "change", pk=pool)
    services.pool_member_remove(user=request.user, pool=found, talent=talent)
    return _back(request, talent, "pools", _("已移出“%(pool)s”。") % {"pool": found.name})


# --- attachments -------------------------------------------------------------------------------

def attachment_upload(request, pk: int):
    require_perm(request.user, "talents.add_attachment")
    talent = _talent_to_change(request.user, pk)
    form = person_forms.AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.attachment_add(user=request.user, talent=talent,
                                    upload=form.cleaned_data["file"],
                                    kind=form.cleaned_data["kind"],
                                    note=form.cleaned_data["note"])
        except AppError as exc:
            apply_app_error(form, exc)
        else:
            return _back(request, talent, "attachments", _("附件已上传。"))
    return _form_response(request, talent, form, title=_("上传附件"),
                          action=reverse("talents:attachment_upload", args=[pk]),
                          anchor="attachments", multipart=True)


def attachment_download(request, pk: int, item: int):
    """The file, decrypted for a user in scope; every download is in the audit log."""
    from wutong.talents.attachments import content_type

    attachment = Attachment.objects.select_related("talent").get_restricted(
        request.user, "view", pk=item, talent_id=pk)
    data = services.attachment_read(user=request.user, attachment=attachment)
    response = HttpResponse(data, content_type=content_type(attachment.file_type))
    response["Content-Disposition"] = content_disposition_header(True, attachment.filename)
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def attachment_delete(request, pk: int, item: int):
    talent = _talent_to_change(request.user, pk)
    attachment = Attachment.objects.select_related("talent").get_restricted(
        request.user, "delete", pk=item, talent_id=talent.pk)
    services.attachment_delete(user=request.user, attachment=attachment)
    return _back(request, talent, "attachments", _("附件已删除。"))
