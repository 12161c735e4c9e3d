from django.apps import AppConfig


class PartiesConfig(AppConfig):
    name = "comptoir.parties"
    label = "parties"
    default_auto_field = "django.db.models.BigAutoField"
