"""The scenario plan's chart for the partial facilitator/scenario_plan.html, which pages
(the plan page, the editor) include with nothing but ``plan`` in its context."""

from django import template
from django.utils.safestring import SafeString

from exercise.scenario_plan import ScenarioPlan
from facilitator.plan_chart import timeline_chart

register = template.Library()


@register.filter
def plan_chart(plan: ScenarioPlan) -> SafeString:
    return timeline_chart(plan)
