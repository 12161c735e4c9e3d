from django.urls import path

from comptoir.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("organization/", views.switch_organization, name="switch_organization"),
    path("sellers/<int:seller_id>/products/", views.seller_products, name="seller_products"),
    path(
        "sellers/<int:seller_id>/products/<int:product_id>/",
        views.product_detail,
        name="product_detail",
    ),
]
