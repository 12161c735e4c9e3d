from django.apps import AppConfig


class EdiConfig(AppConfig):
    name = "comptoir.edi"
    label = "edi"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "EDI"

    def ready(self) -> None:
        # O14: the answers to an EDI order (ORDRSP, DESADV, INVOIC) follow its published events
        from comptoir.core import events
        from comptoir.edi.services.outbound import outbound_on_event

        events.subscribe(outbound_on_event)
