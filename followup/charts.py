"""Server-side SVG charts: no script, no CDN, printable, colour-blind-safe.

Colours are the Okabe-Ito palette; each series also has its own dash pattern and marker,
and every chart carries text labels, so nothing depends on telling colours apart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4")
MARKERS = ("circle", "square", "triangle", "diamond")
FONT = 'font-family="system-ui, sans-serif" font-size="12"'


@dataclass
class Series:
    label: str
    values: list[float | None]  # one per x label (None: no value)


def _fmt(value: float, digits: int) -> str:
    return f"{value:.{digits}f}".replace(".", ",") if digits else f"{value:.0f}"


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "square":
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{colour}"/>'
    if kind == "triangle":
        pts = f"{x:.1f},{y - 4.5:.1f} {x - 4.5:.1f},{y + 3.5:.1f} {x + 4.5:.1f},{y + 3.5:.1f}"
        return f'<polygon points="{pts}" fill="{colour}"/>'
    if kind == "diamond":
        pts = f"{x:.1f},{y - 5:.1f} {x - 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} {x + 5:.1f},{y:.1f}"
        return f'<polygon points="{pts}" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


def _scale(values: list[float]) -> tuple[float, float]:
    """0 and a round top above the largest value, so the four grid steps read well."""
    top = max(values, default=1.0) or 1.0
    magnitude = 10 ** math.floor(math.log10(top))
    for step in (1, 2, 2.5, 4, 5, 8, 10):
        if step * magnitude >= top * 1.05:
            return 0.0, step * magnitude
    return 0.0, 10 * magnitude


def _frame(width: int, height: int, title: str, body: list[str]) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" class="chart" {FONT}>'
        f"<title>{escape(title)}</title>"
        f'<text x="8" y="20" font-size="14" font-weight="600">{escape(title)}</text>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _y_axis(left: int, top: int, plot_w: int, plot_h: int, y_max: float, digits: int) -> list:
    out = []
    for i in range(5):
        value = y_max * i / 4
        y = top + plot_h - plot_h * i / 4
        out.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{_fmt(value, digits)}</text>'
        )
    return out


def _legend(series: list[Series], left: int, y: int, line: bool) -> list:
    out, x = [], left
    for i, s in enumerate(series):
        colour, dash = PALETTE[i % len(PALETTE)], DASHES[i % len(DASHES)]
        if line:
            out.append(
                f'<line x1="{x}" x2="{x + 24}" y1="{y}" y2="{y}" stroke="{colour}" '
                f'stroke-width="2.5" stroke-dasharray="{dash}"/>'
                + _marker(MARKERS[i % len(MARKERS)], x + 12, y, colour)
            )
        else:
            out.append(f'<rect x="{x}" y="{y - 6}" width="18" height="12" fill="{colour}"/>')
        out.append(f'<text x="{x + 30}" y="{y + 4}">{escape(s.label)}</text>')
        x += 40 + 7 * len(s.label)
    return out


def line_chart(
    title: str,
    x_labels: list[str],
    series: list[Series],
    marker_at: int | None = None,
    marker_label: str = "",
    digits: int = 1,
    width: int = 720,
    height: int = 300,
) -> Markup:
    """Lines over x_labels; marker_at draws a labelled vertical line (e.g. the pilot start)."""
    left, top, right, bottom = 48, 40, 16, 64
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for s in series for v in s.values if v is not None]
    _, y_max = _scale(values)
    n = max(len(x_labels), 2)

    def px(i: int) -> float:
        return left + plot_w * i / (n - 1)

    def py(v: float) -> float:
        return top + plot_h - plot_h * v / y_max

    body = _y_axis(left, top, plot_w, plot_h, y_max, digits)
    step = max(1, len(x_labels) // 12)
    for i, label in enumerate(x_labels):
        if i % step == 0:
            body.append(
                f'<text x="{px(i):.1f}" y="{top + plot_h + 16}" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
    if marker_at is not None:
        x = px(marker_at)
        body.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + plot_h}" stroke="#444" '
            f'stroke-dasharray="4 3"/><text x="{x + 4:.1f}" y="{top + 12}">'
            f"{escape(marker_label)}</text>"
        )
    for i, s in enumerate(series):
        colour, dash = PALETTE[i % len(PALETTE)], DASHES[i % len(DASHES)]
        points = [(px(j), py(v)) for j, v in enumerate(s.values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            body.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5" '
                f'stroke-dasharray="{dash}"/>'
            )
        body += [_marker(MARKERS[i % len(MARKERS)], x, y, colour) for x, y in points]
    body += _legend(series, left, height - 14, line=True)
    return _frame(width, height, title, body)


def bar_chart(
    title: str,
    groups: list[str],
    series: list[Series],
    digits: int = 1,
    width: int = 720,
    height: int = 290,
) -> Markup:
    """Grouped vertical bars with the value printed on each bar."""
    left, top, right, bottom = 48, 40, 16, 64
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for s in series for v in s.values if v is not None]
    _, y_max = _scale(values)
    body = _y_axis(left, top, plot_w, plot_h, y_max, digits)
    group_w = plot_w / max(len(groups), 1)
    bar_w = group_w * 0.7 / max(len(series), 1)
    for g, label in enumerate(groups):
        gx = left + g * group_w + group_w * 0.15
        body.append(
            f'<text x="{left + (g + 0.5) * group_w:.1f}" y="{top + plot_h + 16}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
        for i, s in enumerate(series):
            v = s.values[g] if g < len(s.values) else None
            if v is None:
                continue
            h = plot_h * v / y_max
            x, y = gx + i * bar_w, top + plot_h - h
            colour = PALETTE[i % len(PALETTE)]
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" '
                f'fill="{colour}"/><text x="{x + bar_w / 2:.1f}" y="{y - 4:.1f}" '
                f'text-anchor="middle">{_fmt(v, digits)}</text>'
            )
    body += _legend(series, left, height - 14, line=False)
    return _frame(width, height, title, body)


def hbar_chart(
    title: str,
    rows: list[tuple[str, float, float | None]],
    unit: str = "",
    width: int = 720,
) -> Markup:
    """Horizontal bars (label, value, reference): e.g. worked hours against the contract."""
    left, row_h, top = 170, 22, 34
    height = top + row_h * len(rows) + 30
    plot_w = width - left - 70
    top_value = max([v for _, v, _ in rows] + [r or 0 for _, _, r in rows] + [1])
    body = []
    for i, (label, value, ref) in enumerate(rows):
        y = top + i * row_h
        w = plot_w * value / top_value
        body.append(
            f'<text x="{left - 6}" y="{y + 14}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" '
            f'fill="{PALETTE[0]}"/><text x="{left + w + 4:.1f}" y="{y + 14}">'
            f"{_fmt(value, 0)}{escape(unit)}</text>"
        )
        if ref:
            x = left + plot_w * ref / top_value
            body.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y + 1}" y2="{y + row_h - 3}" '
                f'stroke="{PALETTE[1]}" stroke-width="3"/>'
            )
    return _frame(width, height, title, body)
