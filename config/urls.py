"""Top-level URLs: the API, the staff and player pages, and the admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config.api import api
from gateway.signin import SignIn
from players.views import home

urlpatterns = [
    path("", home, name="home"),
    path("api/v1/", api.urls),
    path("accounts/login/", SignIn.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("facilitator/", include("facilitator.urls")),
    path("exercises/<int:exercise_id>/", include("facilitator.review_urls")),
    path("", include("players.urls")),
    path("admin/", admin.site.urls),
]
