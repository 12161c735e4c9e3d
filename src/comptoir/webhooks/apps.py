from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "comptoir.webhooks"
    label = "webhooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Contexts publish through comptoir.core.events; this app listens (core cannot import it).
        from comptoir.core import events
        from comptoir.webhooks.services import deliveries_create

        events.subscribe(deliveries_create)
