"""Use cases of payments; each runs in one transaction and is audited."""

from comptoir.payments.services.collection import (
    CollectionResult,
    cases_open,
    collection_run,
    collection_run_parallel,
)
from comptoir.payments.services.credit import (
    credit_limit_set,
    deposit_receive,
    deposit_return,
    deposit_set_off,
)
from comptoir.payments.services.debits import (
    debit_return,
    debit_schedule,
    debits_collect,
    debits_export,
    mandate_create,
)
from comptoir.payments.services.payouts import payouts_export
from comptoir.payments.services.prepayments import prepaid_amount, prepayment_record
from comptoir.payments.services.rebates import (
    rebate_agreement_set,
    rebate_settle_now,
    rebates_settle,
)
from comptoir.payments.services.recording import allocate_to_debts, payment_record
from comptoir.payments.services.statements import (
    ImportResult,
    entry_assign,
    entry_ignore,
    statement_import,
    statement_import_start,
)

__all__ = [
    "CollectionResult",
    "ImportResult",
    "allocate_to_debts",
    "cases_open",
    "collection_run",
    "collection_run_parallel",
    "credit_limit_set",
    "debit_return",
    "debit_schedule",
    "debits_collect",
    "debits_export",
    "deposit_receive",
    "deposit_return",
    "deposit_set_off",
    "entry_assign",
    "entry_ignore",
    "mandate_create",
    "payment_record",
    "payouts_export",
    "prepaid_amount",
    "prepayment_record",
    "rebate_agreement_set",
    "rebate_settle_now",
    "rebates_settle",
    "statement_import",
    "statement_import_start",
]
