"""The national pre-diagnosis: hypotheses, each territory's verdicts, the national matrix."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from contributions.similar import similar_contributions

from ..forms import HypothesisForm, HypothesisReviewForm
from ..models import Assise, Hypothesis, HypothesisReview
from ..services.proposals import hypothesis_review
from .common import get_assise, require, workspace_context


def _national_breadcrumb(current: str, *parents) -> dict:
    links = [{"url": reverse("assises:home"), "title": _("Espace des assises")}]
    links += [{"url": url, "title": title} for url, title in parents]
    return {"links": links, "current": current}


@login_required
def hypothesis_list(request):
    """National team: publish and edit the hypotheses of the état des lieux."""
    require(request.user, "assises.add_hypothesis")
    form = HypothesisForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("L'hypothèse est enregistrée."))
        return redirect("assises:hypotheses")
    return render(
        request,
        "assises/workspace/hypothesis_list.html",
        {
            "hypotheses": Hypothesis.objects.select_related("theme", "policy"),
            "form": form,
            "breadcrumb_data": _national_breadcrumb(_("Hypothèses du pré-diagnostic")),
        },
    )


@login_required
def hypothesis_edit(request, pk):
    require(request.user, "assises.add_hypothesis")
    hypothesis = get_object_or_404(Hypothesis, pk=pk)
    form = HypothesisForm(request.POST or None, instance=hypothesis)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("L'hypothèse est enregistrée."))
        return redirect("assises:hypotheses")
    title = _("Modifier l'hypothèse")
    return render(
        request,
        "assises/workspace/form.html",
        {
            "form": form,
            "title": title,
            "breadcrumb_data": _national_breadcrumb(
                title, (reverse("assises:hypotheses"), _("Hypothèses du pré-diagnostic"))
            ),
        },
    )


@login_required
def hypothesis_matrix(request):
    """Verdicts of the nine territories on every published hypothesis, in two queries."""
    require(request.user, "assises.view_hypothesis_matrix")
    assises = list(Assise.objects.with_territory())
    hypotheses = list(Hypothesis.objects.published().select_related("theme", "policy"))
    verdicts = {
        (r.hypothesis_id, r.territory_id): r
        for r in HypothesisReview.objects.filter(hypothesis__is_published=True)
    }
    # Each verdict travels with its territory, which names the cell on a narrow screen.
    rows = [(h, [(a, verdicts.get((h.pk, a.territory_id))) for a in assises]) for h in hypotheses]
    return render(
        request,
        "assises/workspace/hypothesis_matrix.html",
        {
            "assises": assises,
            "rows": rows,
            "breadcrumb_data": _national_breadcrumb(
                _("Matrice des verdicts"),
                (reverse("assises:hypotheses"), _("Hypothèses du pré-diagnostic")),
            ),
        },
    )


@login_required
def review_list(request, slug):
    assise = get_assise(request.user, slug)
    require(request.user, "assises.view_assise", assise)
    reviews = {
        r.hypothesis_id: r
        for r in HypothesisReview.objects.filter(territory_id=assise.territory_id)
    }
    hypotheses = Hypothesis.objects.published().select_related("theme", "policy")
    context = workspace_context(request.user, assise, _("Hypothèses du pré-diagnostic"))
    context["rows"] = [(h, reviews.get(h.pk)) for h in hypotheses]
    context["can_review"] = request.user.has_perm("assises.review_hypothesis", assise)
    return render(request, "assises/workspace/review_list.html", context)


# How many contributions are suggested for citation, and the name of their button.
SUGGESTIONS = 5
CITE_BUTTON = "citer"


@login_required
def review_edit(request, slug, pk):
    assise = get_assise(request.user, slug)
    require(request.user, "assises.view_assise", assise)
    hypothesis = get_object_or_404(Hypothesis.objects.published(), pk=pk)
    if not request.user.has_perm("assises.review_hypothesis", assise):
        raise PermissionDenied
    review = HypothesisReview.objects.filter(
        hypothesis=hypothesis, territory_id=assise.territory_id
    ).first()
    form = HypothesisReviewForm(request.POST or None, instance=review, territory=assise.territory)
    # The territory's published contributions closest to the hypothesis, to cite.
    suggestions = similar_contributions(
        hypothesis.statement, territory_id=assise.territory_id, limit=SUGGESTIONS
    )
    if request.method == "POST" and CITE_BUTTON in request.POST:
        # "Citer": the same form again with that contribution added; nothing saved yet.
        form = form.with_citation(request.POST[CITE_BUTTON], {s.id for s in suggestions})
    elif request.method == "POST" and form.is_valid():
        hypothesis_review(
            hypothesis=hypothesis,
            territory=assise.territory,
            reviewed_by=request.user,
            **form.cleaned_data,
        )
        messages.success(request, _("Votre avis sur l'hypothèse est enregistré."))
        return redirect("assises:reviews", slug=slug)
    title = _("Examiner l'hypothèse")
    context = workspace_context(
        request.user,
        assise,
        title,
        parents=[(reverse("assises:reviews", args=[slug]), _("Hypothèses du pré-diagnostic"))],
    )
    cited = {str(pk) for pk in form["supporting_contributions"].value() or []}
    context.update(
        {
            "form": form,
            "title": title,
            "hypothesis": hypothesis,
            "suggestions": [(s, str(s.id) in cited) for s in suggestions],
            "cite_button": CITE_BUTTON,
        }
    )
    return render(request, "assises/workspace/form.html", context)
