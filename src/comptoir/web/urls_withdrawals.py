"""Routes of the order page's withdrawals section (included in comptoir.web.urls,
namespace "web")."""

urlpatterns: list = []
