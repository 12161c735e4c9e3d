"""O8 acceptance deadline, O6 monthly processing date, F1 estimated delivery, F4 contestation."""

from __future__ import annotations

from datetime import date, timedelta

from comptoir.terms.engine.citations import Explanation
from comptoir.terms.engine.policy import Deadlines, Period, Processing
from comptoir.terms.engine.quote import Deadline
from comptoir.terms.engine.support import (
    add_business_days,
    add_months,
    add_working_days,
    nth_weekday_of_month,
)

WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def period_end(start: date, period: Period) -> date:
    """End of a period of ``period.days`` from ``start`` (start day excluded).

    ``business``: jours ouvrés (Mon–Fri minus French holidays); ``calendar`` and
    ``from_next_day``: calendar days counted from the next day, ending at the end of the last day.
    """
    if period.kind == "business":
        return add_business_days(start, period.days)
    if period.kind == "working":
        return add_working_days(start, period.days)
    if period.kind == "months":
        return add_months(start, period.days)
    return start + timedelta(days=period.days)


def processing_date(order_date: date, processing: Processing) -> date:
    """The batch that takes an order placed on ``order_date``: this month's nth weekday if the
    order is placed strictly before it ("la commande doit être passée avant cette date"),
    otherwise next month's."""
    this = nth_weekday_of_month(
        order_date.year, order_date.month, processing.weekday, processing.nth
    )
    if order_date < this:
        return this
    year, month = (
        (order_date.year + 1, 1)
        if order_date.month == 12
        else (order_date.year, order_date.month + 1)
    )
    return nth_weekday_of_month(year, month, processing.weekday, processing.nth)


def _unit(period: Period) -> tuple[str, str]:
    return UNITS.get(period.kind, UNITS["calendar"])


UNITS = {
    "business": ("jour(s) ouvré(s)", "business day(s)"),
    "working": ("jour(s) ouvrable(s)", "working day(s)"),
    "months": ("mois", "month(s)"),
    "calendar": ("jour(s) calendaire(s)", "calendar day(s)"),
    "from_next_day": ("jour(s)", "day(s)"),
}
SILENCE = {
    "lapse": ("passé ce délai l'offre devient caduque", "after that the offer lapses"),
    "auto_accept": ("le silence vaut acceptation", "silence means acceptance"),
    "pending": ("la commande reste en attente", "the order stays pending"),
}


_CACHE: dict[tuple[int, date], tuple[Deadlines, tuple[Deadline, ...]]] = {}


def compute_deadlines(order_date: date, rules: Deadlines) -> tuple[Deadline, ...]:
    """The quote's deadlines for an order placed on ``order_date`` (cached per rules and day)."""
    key = (id(rules), order_date)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is rules:
        return hit[1]
    result = tuple(_compute(order_date, rules))
    if len(_CACHE) > 4096:
        _CACHE.clear()
    _CACHE[key] = (rules, result)
    return result


def _compute(order_date: date, rules: Deadlines) -> list[Deadline]:
    out: list[Deadline] = []
    if rules.acceptance is not None:
        p = rules.acceptance
        end = period_end(order_date, p)
        fr_u, en_u = _unit(p)
        out.append(
            Deadline(
                "acceptance_due",
                end,
                "O8",
                p.clause,
                Explanation(
                    fr=f"Le vendeur accepte, modifie ou refuse la commande dans les "
                    f"{p.days} {fr_u} "
                    f"à compter du lendemain, soit au plus tard le {end:%d/%m/%Y} à 23 h 59 ; "
                    f"{SILENCE[rules.acceptance_on_silence][0]}.",
                    en=f"The seller accepts, modifies or refuses the order within {p.days} {en_u} "
                    f"counted from the next day, i.e. by the end of {end:%d/%m/%Y}; "
                    f"{SILENCE[rules.acceptance_on_silence][1]}.",
                ),
            )
        )
    start = order_date
    if rules.processing is not None:
        pr = rules.processing
        processed = processing_date(order_date, pr)
        start = processed if rules.lead_time_from == "processing" else order_date
        out.append(
            Deadline(
                "processing_date",
                processed,
                "O6",
                pr.clause,
                Explanation(
                    fr=f"Commande traitée le {WEEKDAYS_FR[processed.weekday()]} "
                    f"{processed:%d/%m/%Y} (traitement mensuel) ; modifiable jusqu'à cette date.",
                    en=f"Order processed on {WEEKDAYS_EN[processed.weekday()]} "
                    f"{processed:%d/%m/%Y} (monthly batch); it can be changed until then.",
                ),
            )
        )
    delivery = None
    if rules.lead_time is not None:
        lt = rules.lead_time
        delivery = period_end(start, lt)
        fr_u, en_u = _unit(lt)
        origin_fr = "traitement" if start != order_date else "réception de la commande"
        origin_en = "processing" if start != order_date else "receipt of the order"
        out.append(
            Deadline(
                "estimated_delivery",
                delivery,
                "F1",
                lt.clause,
                Explanation(
                    fr=f"Livraison estimée le {delivery:%d/%m/%Y} ({lt.days} {fr_u} après "
                    f"{origin_fr}), à titre indicatif.",
                    en=f"Estimated delivery on {delivery:%d/%m/%Y} ({lt.days} {en_u} after "
                    f"{origin_en}), indicative only.",
                ),
            )
        )
    if rules.contestation is not None:
        ct = rules.contestation
        base = delivery or order_date
        end = period_end(base, ct)
        fr_u, en_u = _unit(ct)
        out.append(
            Deadline(
                "contestation_deadline",
                end,
                "F4",
                ct.clause,
                Explanation(
                    fr=f"Réclamations dans les {ct.days} {fr_u} suivant la livraison (exclue) : "
                    f"le {end:%d/%m/%Y} pour une livraison le {base:%d/%m/%Y}.",
                    en=f"Claims within {ct.days} {en_u} after delivery (excluded): by "
                    f"{end:%d/%m/%Y} for a delivery on {base:%d/%m/%Y}.",
                ),
            )
        )
    return out
