from django.apps import AppConfig


class FulfilmentConfig(AppConfig):
    name = "comptoir.fulfilment"
    label = "fulfilment"
    default_auto_field = "django.db.models.BigAutoField"
