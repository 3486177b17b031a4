from django.urls import path

from . import views

app_name = "strategies"

urlpatterns = [
    path("", views.strategy_list, name="list"),
    path("<slug:slug>/", views.strategy_detail, name="detail"),
]
