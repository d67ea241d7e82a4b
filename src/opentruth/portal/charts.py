"""Inline SVG charts for the dashboard, drawn on the server (no scripts, no CDN).

Every text in a chart goes through :func:`markupsafe.escape`; the result is safe markup.
Sizes are SVG attributes, not ``style`` attributes, so the pages' CSP needs no inline styles.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from markupsafe import Markup, escape

#: The segments of a progress bar: (name, CSS class).
PROGRESS_PARTS = (
    ("human", "human"),
    ("machine", "machine"),
    ("failed", "failed"),
    ("remaining", "remaining"),
)


def progress_bar(counts: dict[str, int], *, width: int = 320, height: int = 14) -> Markup:
    """A stacked horizontal bar: human-labeled, machine-labeled, failed, remaining."""
    total = sum(counts.get(name, 0) for name, _ in PROGRESS_PARTS)
    parts = []
    x = 0.0
    for name, css in PROGRESS_PARTS:
        value = counts.get(name, 0)
        if total <= 0 or value <= 0:
            continue
        w = width * value / total
        parts.append(
            f'<rect class="{css}" x="{x:.2f}" y="0" width="{w:.2f}" height="{height}">'
            f"<title>{escape(name)}: {value}</title></rect>"
        )
        x += w
    if not parts:
        parts.append(f'<rect class="remaining" x="0" y="0" width="{width}" height="{height}"/>')
    label = ", ".join(f"{name} {counts.get(name, 0)}" for name, _ in PROGRESS_PARTS)
    return Markup(  # noqa: S704 - built from numbers and escaped text
        f'<svg class="progress" role="img" aria-label="{escape(label)}" width="{width}" height="{height}" '
        # The list of jobs stretches the bar to its column; its parts stay proportional.
        f'viewBox="0 0 {width} {height}" preserveAspectRatio="none">{"".join(parts)}</svg>'
    )


def completion_chart(times: Sequence[datetime], *, width: int = 640, height: int = 220) -> Markup:
    """Labels completed over time: a step line of the cumulative count."""
    pad_l, pad_r, pad_t, pad_b = 44, 12, 12, 34
    plot_w, plot_h = width - pad_l - pad_r, height - pad_t - pad_b
    head = (
        f'<svg class="chart" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-label="{len(times)} labels completed over time">'
    )
    axes = (
        f'<line class="axis" x1="{pad_l}" y1="{pad_t + plot_h}" x2="{pad_l + plot_w}" y2="{pad_t + plot_h}"/>'
        f'<line class="axis" x1="{pad_l}" y1="{pad_t}" x2="{pad_l}" y2="{pad_t + plot_h}"/>'
    )
    if not times:
        text = (
            f'<text class="muted" x="{pad_l + plot_w / 2:.0f}" y="{pad_t + plot_h / 2:.0f}" '
            'text-anchor="middle">No labels yet</text>'
        )
        return Markup(head + axes + text + "</svg>")  # noqa: S704
    start, end = times[0].timestamp(), times[-1].timestamp()
    span = max(end - start, 1.0)
    total = len(times)

    def px(t: float, n: int) -> tuple[float, float]:
        return pad_l + plot_w * (t - start) / span, pad_t + plot_h * (1 - n / total)

    points = [px(start, 0)]
    for i, when in enumerate(times, start=1):
        x, _ = px(when.timestamp(), i - 1)
        points.append((x, points[-1][1]))
        points.append(px(when.timestamp(), i))
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    first = escape(times[0].strftime("%Y-%m-%d %H:%M:%S"))
    last = escape(times[-1].strftime("%Y-%m-%d %H:%M:%S"))
    labels = (
        f'<text class="tick" x="{pad_l - 6}" y="{pad_t + 4}" text-anchor="end">{total}</text>'
        f'<text class="tick" x="{pad_l - 6}" y="{pad_t + plot_h}" text-anchor="end">0</text>'
        f'<text class="tick" x="{pad_l}" y="{height - 12}">{first}</text>'
        f'<text class="tick" x="{pad_l + plot_w}" y="{height - 12}" text-anchor="end">'
        f"{last}</text>"
    )
    line = f'<polyline class="series" fill="none" points="{path}"/>'
    return Markup(head + axes + line + labels + "</svg>")  # noqa: S704


def bar_chart(counts: Sequence[tuple[str, int]], *, width: int = 640, bar: int = 20) -> Markup:
    """Horizontal bars, one per (name, count), largest first as given."""
    if not counts:
        return Markup('<p class="muted">No consolidated labels yet.</p>')
    label_w, gap = 160, 6
    plot_w = width - label_w - 60
    top = max(c for _, c in counts) or 1
    height = len(counts) * (bar + gap)
    rows = []
    for i, (name, count) in enumerate(counts):
        y = i * (bar + gap)
        w = max(1.0, plot_w * count / top)
        base = y + bar * 0.7
        rows.append(
            f'<text class="tick" x="{label_w - 8}" y="{base:.1f}" text-anchor="end">{escape(name)}</text>'
            f'<rect class="series" x="{label_w}" y="{y}" width="{w:.1f}" height="{bar}"/>'
            f'<text class="tick" x="{label_w + w + 6:.1f}" y="{base:.1f}">{count}</text>'
        )
    return Markup(  # noqa: S704
        f'<svg class="chart" role="img" aria-label="class distribution" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">{"".join(rows)}</svg>'
    )
