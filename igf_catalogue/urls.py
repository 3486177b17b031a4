from django.contrib import admin
from django.urls import include, path

from sessions import views as session_views

urlpatterns = [
    path("", session_views.home, name="home"),
    path("", include("sessions.urls")),
    path("strategies/", include("strategies.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "igf_catalogue.errors.page_not_found"
handler500 = "igf_catalogue.errors.server_error"
