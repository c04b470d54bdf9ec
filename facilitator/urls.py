from django.urls import path

from facilitator import editor_views, library_views, plan_views, views

app_name = "facilitator"
urlpatterns = [
    path("", views.home, name="home"),
    path("scenarios/", library_views.library_page, name="library"),
    path("scenarios/<int:scenario_id>/duplicate", library_views.duplicate, name="duplicate_scenario"),
    path("scenarios/<int:scenario_id>/delete", library_views.delete, name="delete_scenario"),
    path("scenarios/<int:scenario_id>/edit", editor_views.edit_scenario, name="edit_scenario"),
    path("scenarios/<int:scenario_id>/published", editor_views.published, name="published"),
    path("scenarios/drafts/new", editor_views.new_draft, name="new_draft"),
    path("scenarios/drafts/from-upload", editor_views.draft_from_upload, name="draft_from_upload"),
    path("scenarios/drafts/<int:draft_id>/publish", editor_views.publish, name="publish_draft"),
    path("scenarios/drafts/<int:draft_id>/discard", editor_views.discard, name="discard_draft"),
    path("scenarios/drafts/<int:draft_id>/<slug:part>/", editor_views.edit_part, name="edit_part"),
    path("scenarios/<int:scenario_id>/plan", plan_views.plan_page, name="scenario_plan"),
    path("exercises/<int:exercise_id>/", views.exercise_page, name="exercise"),
    path("exercises/<int:exercise_id>/map.svg", views.exercise_map, name="map"),
]
