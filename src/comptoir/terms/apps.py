from django.apps import AppConfig


class TermsConfig(AppConfig):
    name = "comptoir.terms"
    label = "terms"
    default_auto_field = "django.db.models.BigAutoField"
