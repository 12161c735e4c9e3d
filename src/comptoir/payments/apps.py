from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "comptoir.payments"
    label = "payments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A credit note of a card-paid order is refunded on the card once it is issued (I5, O12).
        from comptoir.core import events
        from comptoir.payments.services.card import card_refunds_on_issue

        events.subscribe(card_refunds_on_issue)
