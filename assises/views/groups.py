"""Working groups (territorial and national) and their meetings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egts.models import User
from egts.uploads import file_response, report_refused_uploads

from ..forms import MeetingForm, OutsideParticipantForm, WorkingGroupForm
from ..models import Assise, Meeting, MeetingDocument, WorkingGroup
from ..services.groups import meeting_save, outside_participant_add, working_group_save
from .common import get_assise, require, workspace_context


def _groups_with_counts(queryset):
    return queryset.select_related("theme", "policy", "facilitator").annotate(
        meeting_count=Count("meetings", distinct=True),
        member_count=Count("members", distinct=True),
    )


def _people(territory_id):
    """Accounts that may lead or join a group: people with a role in the territory."""
    if territory_id is None:
        return User.objects.filter(
            Q(is_national_team=True) | Q(memberships__isnull=False)
        ).distinct()
    return User.objects.filter(memberships__territory_id=territory_id).order_by("email")


@login_required
def group_list(request, slug):
    assise = get_assise(request.user, slug)
    require(request.user, "assises.view_assise", assise)
    context = workspace_context(request.user, assise, _("Groupes de travail"))
    context.update(
        {
            "groups": _groups_with_counts(WorkingGroup.objects.for_territory(assise.territory)),
            "can_add": request.user.has_perm("assises.add_workinggroup", assise),
            "add_url": reverse("assises:group-create", args=[slug]),
        }
    )
    return render(request, "assises/workspace/group_list.html", context)


@login_required
def national_group_list(request):
    if not request.user.is_national_team:
        raise PermissionDenied
    return render(
        request,
        "assises/workspace/national_group_list.html",
        {
            "groups": _groups_with_counts(WorkingGroup.objects.for_territory(None)),
            "add_url": reverse("assises:national-group-create"),
            "breadcrumb_data": {
                "links": [{"url": reverse("assises:home"), "title": _("Espace des assises")}],
                "current": _("Groupes thématiques nationaux"),
            },
        },
    )


def _group_form_page(request, *, group: WorkingGroup, assise: Assise | None, title: str):
    form = WorkingGroupForm(
        request.POST or None, instance=group, people=_people(group.territory_id)
    )
    if request.method == "POST" and form.is_valid():
        group = form.save(commit=False)
        working_group_save(group=group, members=form.cleaned_data["members"])
        messages.success(request, _("Le groupe « %(name)s » est enregistré.") % {"name": group})
        return redirect(group.get_absolute_url())
    if assise is not None:
        context = workspace_context(
            request.user,
            assise,
            title,
            parents=[
                (reverse("assises:groups", args=[assise.territory.slug]), _("Groupes de travail"))
            ],
        )
    else:
        context = {
            "breadcrumb_data": {
                "links": [
                    {"url": reverse("assises:home"), "title": _("Espace des assises")},
                    {
                        "url": reverse("assises:national-groups"),
                        "title": _("Groupes thématiques nationaux"),
                    },
                ],
                "current": title,
            }
        }
    context.update({"form": form, "title": title})
    return render(request, "assises/workspace/form.html", context)


@login_required
def group_create(request, slug):
    assise = get_assise(request.user, slug)
    require(request.user, "assises.add_workinggroup", assise)
    group = WorkingGroup(territory=assise.territory)
    return _group_form_page(
        request, group=group, assise=assise, title=_("Nouveau groupe de travail")
    )


@login_required
def national_group_create(request):
    if not request.user.is_national_team:
        raise PermissionDenied
    group = WorkingGroup(territory=None)
    return _group_form_page(
        request, group=group, assise=None, title=_("Nouveau groupe thématique national")
    )


def _get_group(user, pk) -> WorkingGroup:
    return get_object_or_404(
        WorkingGroup.objects.visible_to(user).select_related(
            "territory", "theme", "policy", "facilitator"
        ),
        pk=pk,
    )


def _group_context(user, group: WorkingGroup, current: str, *, parents=()) -> dict:
    if group.territory_id is not None and user.has_perm("assises.view_assise", group):
        assise = Assise.objects.with_territory().get(territory_id=group.territory_id)
        return workspace_context(
            user,
            assise,
            current,
            parents=[
                (reverse("assises:groups", args=[assise.territory.slug]), _("Groupes de travail")),
                *parents,
            ],
        )
    links = [{"url": reverse("assises:home"), "title": _("Espace des assises")}]
    links += [{"url": url, "title": title} for url, title in parents]
    return {"breadcrumb_data": {"links": links, "current": current}}


@login_required
def group_detail(request, pk):
    group = _get_group(request.user, pk)
    require(request.user, "assises.view_workinggroup", group)
    context = _group_context(request.user, group, str(group))
    context.update(
        {
            "group": group,
            "members": group.members.order_by("email"),
            "participants": group.participants.all(),
            "meetings": group.meetings.all(),
            "proposals": group.proposals.select_related("theme"),
            "participant_form": OutsideParticipantForm(),
            "can_change": request.user.has_perm("assises.change_workinggroup", group),
            "can_add_meeting": request.user.has_perm("assises.add_meeting", group),
            "can_add_proposal": group.territory_id is not None
            and request.user.has_perm("assises.add_proposal", group),
        }
    )
    return render(request, "assises/workspace/group_detail.html", context)


@login_required
def group_edit(request, pk):
    group = _get_group(request.user, pk)
    require(request.user, "assises.change_workinggroup", group)
    assise = (
        Assise.objects.with_territory().get(territory_id=group.territory_id)
        if group.territory_id
        else None
    )
    return _group_form_page(
        request,
        group=group,
        assise=assise,
        title=_("Modifier le groupe « %(name)s »") % {"name": group},
    )


@login_required
@require_POST
def participant_add(request, pk):
    group = _get_group(request.user, pk)
    require(request.user, "assises.change_workinggroup", group)
    form = OutsideParticipantForm(request.POST)
    if form.is_valid():
        outside_participant_add(group=group, **form.cleaned_data)
        messages.success(request, _("Le participant a été ajouté."))
        return redirect(group.get_absolute_url())
    context = _group_context(request.user, group, _("Ajouter un participant extérieur"))
    context.update({"form": form, "title": _("Ajouter un participant extérieur")})
    return render(request, "assises/workspace/form.html", context, status=400)


def _meeting_form_page(request, *, group: WorkingGroup, meeting: Meeting, title: str):
    # Bound on any POST, even one whose files were refused before they were read.
    posted = request.method == "POST"
    form = MeetingForm(
        request.POST if posted else None, request.FILES if posted else None, instance=meeting
    )
    # A body far over the limit was not read past its files: what was typed is still shown.
    refused = request.method == "POST" and report_refused_uploads(form, request)
    if request.method == "POST" and not refused and form.is_valid():
        meeting = form.save(commit=False)
        meeting.group = group
        meeting.attendance = form.attendance()
        meeting_save(
            meeting=meeting, recorded_by=request.user, documents=form.cleaned_data["documents"]
        )
        messages.success(request, _("La réunion est enregistrée."))
        return redirect("assises:meeting-detail", pk=meeting.pk)
    context = _group_context(
        request.user, group, title, parents=[(group.get_absolute_url(), str(group))]
    )
    context.update({"form": form, "title": title, "multipart": True})
    return render(request, "assises/workspace/form.html", context, status=413 if refused else 200)


@login_required
def meeting_create(request, pk):
    group = _get_group(request.user, pk)
    require(request.user, "assises.add_meeting", group)
    return _meeting_form_page(
        request, group=group, meeting=Meeting(group=group), title=_("Nouvelle réunion")
    )


def _get_meeting(user, pk) -> Meeting:
    return get_object_or_404(
        Meeting.objects.filter(group__in=WorkingGroup.objects.visible_to(user)).select_related(
            "group__territory", "group__facilitator"
        ),
        pk=pk,
    )


@login_required
def meeting_detail(request, pk):
    meeting = _get_meeting(request.user, pk)
    require(request.user, "assises.view_meeting", meeting)
    context = _group_context(
        request.user,
        meeting.group,
        _("Réunion du %(date)s") % {"date": meeting.date.strftime("%d/%m/%Y")},
        parents=[(meeting.group.get_absolute_url(), str(meeting.group))],
    )
    context.update(
        {
            "meeting": meeting,
            "documents": meeting.documents.all(),
            "can_change": request.user.has_perm("assises.change_meeting", meeting),
        }
    )
    return render(request, "assises/workspace/meeting_detail.html", context)


@login_required
def meeting_edit(request, pk):
    meeting = _get_meeting(request.user, pk)
    require(request.user, "assises.change_meeting", meeting)
    return _meeting_form_page(
        request, group=meeting.group, meeting=meeting, title=_("Modifier la réunion")
    )


@login_required
def meeting_document(request, pk):
    """Documents are served through the permission check, never from a public media URL."""
    document = get_object_or_404(
        MeetingDocument.objects.filter(
            meeting__group__in=WorkingGroup.objects.visible_to(request.user)
        ).select_related("meeting__group"),
        pk=pk,
    )
    require(request.user, "assises.view_meeting", document.meeting)
    return file_response(document.file, name=document.name, content_type=document.content_type)
