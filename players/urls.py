from django.urls import path

from players import debrief_views, views

app_name = "players"
urlpatterns = [
    path("join/", views.join, name="join"),
    path("team/", views.team_page, name="team"),
    path("team/brief/", views.brief_page, name="brief"),
    path("team/map.svg", views.team_map, name="map"),
    path("team/leave", views.leave, name="leave"),
    path("team/debrief/", debrief_views.debrief, name="debrief"),
    path("team/feedback", debrief_views.give_feedback, name="feedback"),
]
