from django.urls import path

from facilitator import views

app_name = "facilitator"
urlpatterns = [
    path("", views.home, name="home"),
    path("exercises/new", views.create_exercise, name="create_exercise"),
    path("exercises/<int:exercise_id>/", views.exercise_page, name="exercise"),
    path("exercises/<int:exercise_id>/<str:transition>", views.change_status, name="change_status"),
    path("exercises/<int:exercise_id>/speed/", views.change_speed, name="change_speed"),
    path("exercises/<int:exercise_id>/injects/", views.send_inject, name="send_inject"),
    path("exercises/<int:exercise_id>/injects/<str:key>/release", views.release_inject, name="release_inject"),
    path("exercises/<int:exercise_id>/injects/<str:key>/skip", views.skip_inject, name="skip_inject"),
]
