"""A chart of warmup inbox rate by day: one panel per tenant, one line per mailbox, threshold bands behind (past
12 tenants, one panel with a line per tenant).

PNG or SVG by the file's extension; matplotlib's Agg backend, so no display is needed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import PercentFormatter

from mailfleet.errors import MailfleetError
from mailfleet.health.assess import MailboxHealth
from mailfleet.health.thresholds import INBOX, HealthClass, worst

MAX_PANELS = 12
MARKER_DAYS = 31
"""Lines of more days than this are drawn without a marker per day."""
FORMATS = {".png": "png", ".svg": "svg"}
BANDS = (  # (low, high, colour) in percent: critical, warning, healthy
    (0.0, INBOX.critical * 100, "#fde2e1"),
    (INBOX.critical * 100, INBOX.healthy * 100, "#fff4d6"),
    (INBOX.healthy * 100, 100.0, "#e3f4e6"),
)
BAND_NOTE = "Bands: green healthy (> 90 %), amber warning (70-90 %), red critical (< 70 %)"
CRITICAL_COLOUR = "#d62728"
OTHER_COLOURS = ("#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf", "#7f7f7f", "#bcbd22", "#e377c2")
LINE_STYLES = {HealthClass.CRITICAL: "-", HealthClass.WARNING: "-", HealthClass.HEALTHY: "-", HealthClass.UNKNOWN: ":"}


class ChartError(MailfleetError):
    pass


def chart_format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ChartError(f"chart file {path} must end in .png or .svg")
    return fmt


def write_chart(
    results: Sequence[MailboxHealth], path: Path, *, title: str, fleet: Mapping[date, Mapping[str, int]] | None = None
) -> None:
    """Inbox rate by day: one panel per tenant with a line per mailbox; past ``MAX_PANELS`` tenants, one panel with
    a line per tenant (its mailboxes' pooled rate), naming only the tenants that are not healthy. With ``fleet``
    (per night, mailboxes per class, from the history), a first panel shows the fleet's classes over time."""
    fmt = chart_format(path)
    tenants = [(name, list(group)) for name, group in groupby(results, key=lambda r: r.mailbox.tenant)]
    if len(tenants) > MAX_PANELS:
        panels = [(f"{len(tenants)} tenants: pooled inbox rate by day", [tenant_series(n, g) for n, g in tenants])]
    else:
        panels = [(f"{name}: inbox rate by day", [mailbox_series(r) for r in group]) for name, group in tenants]
    panels = panels or [("no mailboxes", [])]
    rows = len(panels) + (1 if fleet else 0)
    heights = ([2.2] if fleet else []) + [3.2] * len(panels)
    figure, axes = plt.subplots(
        rows,
        1,
        figsize=(10, sum(heights) + 0.8),
        sharex=True,
        squeeze=False,
        layout="constrained",
        gridspec_kw={"height_ratios": heights},
    )
    rates = [value for _, series in panels for line in series for _, value in line.points]
    bottom = max(0.0, min(60.0, min(rates, default=100.0) - 5))  # one scale for every panel
    days = sorted({d for _, series in panels for line in series for d, _ in line.points} | set(fleet or {}))
    try:
        column = list(axes[:, 0])
        if fleet:
            _fleet_panel(column.pop(0), fleet)
        for axis, (heading, series) in zip(column, panels, strict=True):
            _panel(axis, heading, series, bottom)
        _date_axis(axes[-1, 0], days)
        figure.supxlabel(BAND_NOTE, fontsize=9, color="#555555")
        figure.suptitle(title, fontsize=13, fontweight="bold")
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path, format=fmt, dpi=110)
    except OSError as error:
        raise ChartError(f"cannot write chart {path}: {error.strerror or error}") from None
    finally:
        plt.close(figure)


MAX_DATE_TICKS = 10


def _date_axis(axis: Axes, days: Sequence[date]) -> None:
    """Limits from the data (half a day either side), at most ``MAX_DATE_TICKS`` labelled days: readable with one
    day as with 90, and no locator warning (matplotlib widens a single date to four years otherwise)."""
    first, last = (days[0], days[-1]) if days else (date.today(), date.today())
    span = (last - first).days + 1
    axis.set_xlim(
        np.datetime64(first, "D") - np.timedelta64(12, "h"),  # type: ignore[arg-type]
        np.datetime64(last, "D") + np.timedelta64(12, "h"),  # type: ignore[arg-type]
    )
    axis.xaxis.set_major_locator(mdates.DayLocator(interval=max(1, -(-span // MAX_DATE_TICKS))))  # type: ignore[no-untyped-call]
    axis.xaxis.set_major_formatter(mdates.DateFormatter("%b %d"))  # type: ignore[no-untyped-call]
    axis.set_xlabel(f"day ({span} day{'s' if span != 1 else ''} of data)")


CLASS_COLOURS = (
    (HealthClass.HEALTHY, "#4c9a5b"),
    (HealthClass.WARNING, "#e0a526"),
    (HealthClass.CRITICAL, CRITICAL_COLOUR),
    (HealthClass.UNKNOWN, "#b0b0b0"),
)


def _fleet_panel(axis: Axes, fleet: Mapping[date, Mapping[str, int]]) -> None:
    nights = sorted(fleet)
    x = np.array(nights, dtype="datetime64[D]")
    below = np.zeros(len(nights))
    for health, colour in CLASS_COLOURS:
        counts = np.array([fleet[n].get(health.value, 0) for n in nights], dtype=float)
        if counts.any():
            axis.bar(x, counts, bottom=below, width=0.8, color=colour, label=health.value, zorder=2)
            below += counts
    axis.set_title("fleet: mailboxes per class, by night", loc="left", fontsize=11)
    axis.set_ylabel("mailboxes")
    axis.grid(axis="y", color="#dddddd", linewidth=0.8, zorder=0)
    axis.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8, frameon=False)


@dataclass(frozen=True)
class Series:
    label: str
    points: list[tuple[date, float]]
    """(day, inbox rate in percent) for the days with warmup mail sent."""
    health: HealthClass
    named: bool = True


def mailbox_series(result: MailboxHealth) -> Series:
    suffix = f"  ({result.health.value})" if result.health is not HealthClass.HEALTHY else ""
    points = [(p.day, p.inbox_rate * 100) for p in result.days if p.inbox_rate is not None]
    if not points and result.inbox_rate is not None and result.today is not None:
        points = [(result.today, result.inbox_rate * 100)]  # no per-day data yet: tonight's rate (its window)
    return Series(result.mailbox.email + suffix, points, result.health)


def tenant_series(tenant: str, group: Sequence[MailboxHealth]) -> Series:
    sent: dict[date, int] = defaultdict(int)
    spam: dict[date, int] = defaultdict(int)
    for result in group:
        for point in result.days:
            sent[point.day] += point.sent
            spam[point.day] += point.spam
    points = [(day, 100 * (sent[day] - spam[day]) / sent[day]) for day in sorted(sent) if sent[day] > 0]
    health = worst(r.health for r in group)
    critical = sum(1 for r in group if r.health is HealthClass.CRITICAL)
    label = f"{tenant}  ({critical} of {len(group)} critical)" if critical else f"{tenant}  ({health.value})"
    return Series(label, points, health, named=health not in (HealthClass.HEALTHY, HealthClass.UNKNOWN))


def _panel(axis: Axes, heading: str, series: Sequence[Series], bottom: float) -> None:
    for low, high, colour in BANDS:
        axis.axhspan(low, high, color=colour, zorder=0)
    axis.axhline(INBOX.healthy * 100, color="#4c9a5b", linewidth=0.8, linestyle="--", zorder=1)
    axis.axhline(INBOX.critical * 100, color="#c0392b", linewidth=0.8, linestyle="--", zorder=1)
    palette = iter(OTHER_COLOURS * (len(series) // len(OTHER_COLOURS) + 1))
    drawn = 0
    for line in series:
        if not line.points:
            continue
        critical = line.health is HealthClass.CRITICAL
        colour = CRITICAL_COLOUR if critical else next(palette) if line.named else "#9a9a9a"
        axis.plot(
            np.array([d for d, _ in line.points], dtype="datetime64[D]"),
            [v for _, v in line.points],
            marker="o" if len(line.points) <= MARKER_DAYS else None,
            markersize=5 if critical else 4,
            linewidth=2.6 if critical else 1.4 if line.named else 0.8,
            linestyle=LINE_STYLES[line.health],
            label=line.label if line.named else None,
            color=colour,
            zorder=3 if critical else 2,
        )
        drawn += 1
    axis.set_title(heading, loc="left", fontsize=11)
    axis.set_ylim(bottom, 102)
    axis.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    axis.grid(axis="y", color="white", linewidth=0.8)
    if any(line.named and line.points for line in series):
        axis.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8, frameon=False)
    if not drawn:
        axis.text(0.5, 0.5, "no warmup mail sent yet", transform=axis.transAxes, ha="center", color="grey")
