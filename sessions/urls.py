from django.urls import path

from . import views

app_name = "sessions"

urlpatterns = [
    path("sessions/", views.session_list, name="list"),
    path("sessions/<slug:slug>/", views.session_detail, name="detail"),
    path("venues/", views.venue_list, name="venues"),
    path("venues/<slug:slug>/", views.venue_detail, name="venue"),
    path("years/", views.year_list, name="years"),
    path("years/<int:year>/", views.year_detail, name="year"),
]
