"""Dashboard charts drawn by pygal as SVG images (served apart, so the page's strict CSP holds):
a neutral style, French or English labels, no JavaScript."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pygal
from lxml import etree
from pygal.style import Style

from comptoir.core.i18n import format_money_active

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#373c44",
    foreground_strong="#1d2127",
    foreground_subtle="#d5d9de",
    colors=("#1e6fb5", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51", "#8d99ae"),
    font_family="DejaVu Sans, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=13,
    title_font_size=16,
    legend_font_size=13,
)


def _config(chart: pygal.graph.graph.Graph) -> pygal.graph.graph.Graph:
    chart.config.js = []  # no interactive scripts: a plain image
    return chart


def _render(chart: pygal.graph.graph.Graph) -> bytes:
    """The SVG without the configuration script pygal always embeds (an image runs none)."""
    root = etree.fromstring(chart.render())
    for script in root.iter("{http://www.w3.org/2000/svg}script", "script"):
        script.getparent().remove(script)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def sales_chart(rows: list[tuple[date, Decimal]], title: str, unit: str) -> bytes:
    """Sales by month; `unit` titles the amounts' axis in the reader's language."""
    chart = _config(
        pygal.Bar(
            style=STYLE,
            title=title,
            show_legend=False,
            width=800,
            height=320,
            value_formatter=lambda v: format_money_active(Decimal(v)),
            y_title=unit,
        )
    )
    chart.x_labels = [f"{m:%m/%y}" for m, _ in rows]
    chart.add(title, [float(v) for _, v in rows])
    return _render(chart)


def ageing_chart(rows: list[tuple[str, Decimal]], title: str, labels: dict[str, str]) -> bytes:
    chart = _config(
        pygal.HorizontalBar(
            style=STYLE,
            title=title,
            width=800,
            height=320,
            show_legend=False,
            value_formatter=lambda v: format_money_active(Decimal(v)),
        )
    )
    chart.x_labels = [labels.get(label, label) for label, _ in rows]
    chart.add(title, [float(v) for _, v in rows])
    return _render(chart)


def rate_chart(timely: int, total: int, title: str) -> bytes:
    chart = _config(
        pygal.SolidGauge(
            style=STYLE,
            title=title,
            width=400,
            height=320,
            inner_radius=0.70,
            half_pie=True,
            show_legend=False,
            value_formatter=lambda v: f"{v:.0f} %",
        )
    )
    chart.add(title, [{"value": 100 * timely / total if total else 0, "max_value": 100}])
    return _render(chart)


def orders_chart(rows: list[tuple[str, int]], title: str) -> bytes:
    chart = _config(
        pygal.HorizontalBar(style=STYLE, title=title, width=400, height=320, show_legend=False)
    )
    chart.x_labels = [label for label, _ in rows]
    top = max([count for _, count in rows] + [1])
    step = max(1, top // 5)
    chart.y_labels = list(range(0, top + step, step))  # whole orders only
    chart.add(title, [count for _, count in rows])
    return _render(chart)
