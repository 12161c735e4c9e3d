"""An order page's lines built in Python (web/templatetags/order_rows.py): the same HTML the
template wrote for them, in French and English, with and without prices (P4), every value
escaped."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from comptoir.ordering.models import OrderLine
from comptoir.web.templatetags.order_rows import order_line_rows

HOSTILE = '<script>alert("x")</script>'
# the loop the order page's template ran before
TEMPLATE = Template(
    "{% load comptoir_format %}{% for l in lines %}<tr><td><code>{{ l.sku }}</code></td>"
    '<td>{{ l.title }}</td><td class="num">{{ l.requested_quantity }}</td>'
    '<td class="num">{{ l.quantity }}</td><td class="num">{{ l.shipped_quantity }}</td>'
    '{% if show_prices %}<td class="num">{{ l.unit_price|money }}</td>'
    '<td class="num">{{ l.net_amount|money }}</td>{% endif %}</tr>{% endfor %}'
)


def _lines() -> list[OrderLine]:
    return [
        OrderLine(
            sku="BOL-<1>",
            title=f"Bol {HOSTILE} & co",
            requested_quantity=1200,
            quantity=1188,
            shipped_quantity=0,
            unit_price=Decimal("1234.5600"),
            net_amount=Decimal("1466657.28"),
        ),
        OrderLine(
            sku="TASSE-2",
            title="Tasse « Faïence »",
            requested_quantity=6,
            quantity=6,
            shipped_quantity=6,
            unit_price=None,
            net_amount=Decimal("0.00"),
        ),
    ]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("show_prices", [True, False])
def test_the_rows_are_the_templates(language, show_prices):
    lines = _lines()
    with translation.override(language):
        expected = TEMPLATE.render(Context({"lines": lines, "show_prices": show_prices}))
        assert order_line_rows(lines, show_prices) == expected
    assert HOSTILE not in expected and "&lt;script&gt;" in expected
    assert ("—" in expected) is show_prices  # a line without a unit price shows a dash
    assert order_line_rows([], show_prices) == ""
