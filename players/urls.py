from django.urls import path

from players import views

app_name = "players"
urlpatterns = [
    path("join/", views.join, name="join"),
    path("team/", views.team_page, name="team"),
    path("team/leave", views.leave, name="leave"),
]
