from django.urls import path

from facilitator import library_views, plan_views, views

app_name = "facilitator"
urlpatterns = [
    path("", views.home, name="home"),
    path("scenarios/", library_views.library_page, name="library"),
    path("scenarios/<int:scenario_id>/duplicate", library_views.duplicate, name="duplicate_scenario"),
    path("scenarios/<int:scenario_id>/delete", library_views.delete, name="delete_scenario"),
    path("scenarios/<int:scenario_id>/plan", plan_views.plan_page, name="scenario_plan"),
    path("exercises/<int:exercise_id>/", views.exercise_page, name="exercise"),
    path("exercises/<int:exercise_id>/map.svg", views.exercise_map, name="map"),
]
