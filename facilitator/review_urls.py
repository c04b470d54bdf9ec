"""The review's addresses, at the top level as API.md gives them: /exercises/{id}/review/."""

from django.urls import path

from facilitator import review_views

app_name = "review"
urlpatterns = [
    path("review/", review_views.review_page, name="page"),
    path("review/replay", review_views.replay, name="replay"),
    path("review/findings/<str:objective>", review_views.save_findings, name="findings"),
    path("review/hotwash", review_views.add_hotwash, name="hotwash"),
    path("review/improvements", review_views.add_improvement, name="improvements"),
    path("review/improvements/<int:item_id>/status", review_views.set_improvement_status, name="improvement_status"),
    path("review.pdf", review_views.review_pdf, name="pdf"),
    path("events.csv", review_views.events_csv, name="csv"),
]
