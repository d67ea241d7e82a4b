"""The SVG charts escape their text and scale to their data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from opentruth.portal.charts import bar_chart, completion_chart, progress_bar


def test_progress_bar_widths_follow_counts() -> None:
    svg = str(progress_bar({"human": 3, "machine": 0, "failed": 1, "remaining": 4}, width=80))
    assert 'class="human" x="0.00" y="0" width="30.00"' in svg
    assert 'class="failed" x="30.00" y="0" width="10.00"' in svg
    assert 'class="remaining" x="40.00" y="0" width="40.00"' in svg
    assert "machine" not in svg.split("aria-label")[1].split(">", 1)[1]


def test_charts_escape_labels_and_handle_empty_data() -> None:
    bars = str(bar_chart([("<script>", 2), ("b", 1)]))
    assert "<script>" not in bars and "&lt;script&gt;" in bars
    assert "No consolidated labels" in str(bar_chart([]))
    assert "No labels yet" in str(completion_chart([]))
    start = datetime(2024, 1, 1, tzinfo=UTC)
    line = str(completion_chart([start, start + timedelta(minutes=1), start + timedelta(minutes=5)]))
    assert 'aria-label="3 labels completed over time"' in line and "<polyline" in line
