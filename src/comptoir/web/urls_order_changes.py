"""Routes of the order page's order changes section (included in comptoir.web.urls,
namespace "web")."""

urlpatterns: list = []
