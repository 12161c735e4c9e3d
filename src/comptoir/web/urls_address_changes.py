"""Routes of the order page's address changes section (included in comptoir.web.urls,
namespace "web")."""

urlpatterns: list = []
