from django.urls import path

from facilitator import views

app_name = "facilitator"
urlpatterns = [
    path("", views.home, name="home"),
    path("exercises/<int:exercise_id>/", views.exercise_page, name="exercise"),
    path("exercises/<int:exercise_id>/map.svg", views.exercise_map, name="map"),
]
