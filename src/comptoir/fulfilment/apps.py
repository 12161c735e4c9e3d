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

        # O10: a bank statement line naming an order awaiting its prepayment pays it; payments
        # may not read orders, so it asks through its hooks
        from comptoir.fulfilment.services.prepayment import (
            orders_awaiting_prepayment_by_number,
            prepayments_noted,
        )
        from comptoir.payments.hooks import (
            register_order_reference_resolver,
            register_prepayment_listener,
        )

        register_order_reference_resolver(orders_awaiting_prepayment_by_number)
        register_prepayment_listener(prepayments_noted)
