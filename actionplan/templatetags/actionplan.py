"""Blocks other apps' pages include: what became of a contribution, a territory's follow-up."""

from django import template

from ..forms import PreferenceForm
from ..models import LocalAction
from ..participant import contribution_outcomes, my_outcomes, wants_status_mail

register = template.Library()


@register.inclusion_tag("actionplan/_contribution_outcome.html")
def contribution_outcome(contribution):
    return {"outcomes": contribution_outcomes([contribution]).get(contribution.pk, [])}


@register.inclusion_tag("actionplan/_my_outcomes.html", takes_context=True)
def my_contribution_outcomes(context):
    user = context["request"].user
    return {
        "rows": my_outcomes(user),
        "preference_form": PreferenceForm(
            initial={"notify_measure_status": wants_status_mail(user)}
        ),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("actionplan/_territory_follow_up.html")
def territory_follow_up(territory):
    actions = (
        LocalAction.objects.for_territory(territory)
        .prefetch_related("indicators")
        .order_by("created_at", "id")
    )
    return {"actions": list(actions)}


@register.inclusion_tag("actionplan/_proposal_follow_up.html")
def proposal_follow_up(proposal):
    return {
        "measures": list(proposal.measures.select_related("axis").order_by("id")),
        "actions": list(proposal.local_actions.order_by("id")),
    }
