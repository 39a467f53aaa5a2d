"""A chart of warmup inbox rate by day: one panel per tenant, one line per mailbox, threshold bands behind.

PNG or SVG by the file's extension; matplotlib's Agg backend, so no display is needed.
"""

from __future__ import annotations

from collections.abc import Sequence
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
from mailfleet.health.thresholds import INBOX, HealthClass

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


def write_chart(results: Sequence[MailboxHealth], path: Path, *, title: str) -> None:
    """Inbox rate by day per tenant. Critical mailboxes are drawn thick and labelled with their class."""
    fmt = chart_format(path)
    tenants = [(name, list(group)) for name, group in groupby(results, key=lambda r: r.mailbox.tenant)]
    rows = max(len(tenants), 1)
    figure, axes = plt.subplots(rows, 1, figsize=(10, 3.2 * rows + 0.6), sharex=True, squeeze=False)
    rates = [p.inbox_rate * 100 for r in results for p in r.days if p.inbox_rate is not None]
    bottom = max(0.0, min(60.0, min(rates, default=100.0) - 5))  # one scale for every tenant
    try:
        for axis, (tenant, group) in zip(axes[:, 0], tenants or [("no mailboxes", [])], strict=False):
            _panel(axis, tenant, group, bottom)
        axes[-1, 0].xaxis.set_major_formatter(mdates.DateFormatter("%b %d"))  # type: ignore[no-untyped-call]
        axes[-1, 0].xaxis.set_major_locator(mdates.DayLocator())  # type: ignore[no-untyped-call]
        axes[-1, 0].set_xlabel(f"day (warmup mail, last 7 days). {BAND_NOTE}")
        figure.suptitle(title, fontsize=13, fontweight="bold")
        figure.tight_layout()
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path, format=fmt, dpi=110)
    except OSError as error:
        raise ChartError(f"cannot write chart {path}: {error.strerror or error}") from None
    finally:
        plt.close(figure)


def _panel(axis: Axes, tenant: str, group: Sequence[MailboxHealth], bottom: float) -> None:
    for low, high, colour in BANDS:
        axis.axhspan(low, high, color=colour, zorder=0)
    axis.axhline(INBOX.healthy * 100, color="#4c9a5b", linewidth=0.8, linestyle="--", zorder=1)
    axis.axhline(INBOX.critical * 100, color="#c0392b", linewidth=0.8, linestyle="--", zorder=1)
    palette = iter(OTHER_COLOURS * (len(group) // len(OTHER_COLOURS) + 1))
    for result in group:
        points = [(p.day, p.inbox_rate * 100) for p in result.days if p.inbox_rate is not None]
        if not points:
            continue
        critical = result.health is HealthClass.CRITICAL
        suffix = f"  ({result.health.value})" if result.health is not HealthClass.HEALTHY else ""
        label = result.mailbox.email + suffix
        axis.plot(
            np.array([d for d, _ in points], dtype="datetime64[D]"),
            [v for _, v in points],
            marker="o",
            markersize=4 if not critical else 5,
            linewidth=2.6 if critical else 1.4,
            linestyle=LINE_STYLES[result.health],
            label=label,
            color=CRITICAL_COLOUR if critical else next(palette),
            zorder=3 if critical else 2,
        )
    axis.set_title(f"{tenant}: inbox rate by day", loc="left", fontsize=11)
    axis.set_ylim(bottom, 101)
    axis.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    axis.grid(axis="y", color="white", linewidth=0.8)
    if axis.lines[2:]:
        axis.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8, frameon=False)
    else:
        axis.text(0.5, 0.5, "no warmup mail sent yet", transform=axis.transAxes, ha="center", color="grey")
