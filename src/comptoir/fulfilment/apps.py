from django.apps import AppConfig


class FulfilmentConfig(AppConfig):
    name = "comptoir.fulfilment"
    label = "fulfilment"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # F7, F10: charges and deposit refunds go on the buyer's next invoice
        from comptoir.fulfilment.services.invoicing import buyers_with_pending, next_invoice_items
        from comptoir.ordering.invoicing import NEXT_INVOICE_ITEMS, NEXT_INVOICE_PENDING

        if next_invoice_items not in NEXT_INVOICE_ITEMS:
            NEXT_INVOICE_ITEMS.append(next_invoice_items)
        if buyers_with_pending not in NEXT_INVOICE_PENDING:
            NEXT_INVOICE_PENDING.append(buyers_with_pending)
