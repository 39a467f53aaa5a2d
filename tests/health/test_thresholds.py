"""The design brief's thresholds at every boundary: warning ranges include both ends."""

from __future__ import annotations

import pytest

from mailfleet.health.thresholds import (
    BOUNCE,
    INBOX,
    SPAM,
    HealthClass,
    Threshold,
    classify,
    format_percent,
    worst,
)

H, W, C = HealthClass.HEALTHY, HealthClass.WARNING, HealthClass.CRITICAL


@pytest.mark.parametrize(
    ("threshold", "rate", "expected"),
    [
        # inbox: healthy > 90 %, warning 70-90 % (both ends), critical < 70 %
        (INBOX, 1.0, H),
        (INBOX, 0.9001, H),
        (INBOX, 0.90, W),
        (INBOX, 0.8999, W),
        (INBOX, 0.70, W),
        (INBOX, 0.6999, C),
        (INBOX, 0.0, C),
        # bounce: healthy < 2 %, warning 2-5 % (both ends), critical > 5 %
        (BOUNCE, 0.0, H),
        (BOUNCE, 0.0199, H),
        (BOUNCE, 0.02, W),
        (BOUNCE, 0.05, W),
        (BOUNCE, 0.0501, C),
        # spam: healthy < 0.1 %, warning 0.1-0.3 % (both ends), critical > 0.3 %
        (SPAM, 0.0, H),
        (SPAM, 0.00099, H),
        (SPAM, 0.001, W),
        (SPAM, 0.003, W),
        (SPAM, 0.00301, C),
    ],
)
def test_every_boundary(threshold: Threshold, rate: float, expected: HealthClass) -> None:
    assert threshold.classify(rate) is expected


@pytest.mark.parametrize(
    ("count", "total", "threshold", "expected"),
    [
        (63, 70, INBOX, W),  # exactly 90 % as a computed ratio
        (7, 10, INBOX, W),  # exactly 70 %
        (91, 100, INBOX, H),
        (69, 100, INBOX, C),
        (1, 50, BOUNCE, W),  # exactly 2 %
        (1, 20, BOUNCE, W),  # exactly 5 %
        (1, 1000, SPAM, W),  # exactly 0.1 %
        (3, 1000, SPAM, W),  # exactly 0.3 %
        (301, 100_000, SPAM, C),
    ],
)
def test_boundaries_reached_by_division(count: int, total: int, threshold: Threshold, expected: HealthClass) -> None:
    assert threshold.classify(count / total) is expected


def test_the_mailbox_class_is_the_worst_of_the_three() -> None:
    assert classify(0.95, 0.01, 0.0005).health is H
    assert classify(0.95, 0.03, 0.0005) == classify(0.95, 0.03, 0.0005)
    assert classify(0.95, 0.03, 0.0005).health is W
    assert classify(0.95, 0.01, 0.004).health is C
    verdict = classify(0.62, 0.06, 0.002)
    assert verdict.health is C
    assert verdict.reason == "inbox 62 %; bounce 6 %; spam 0.2 %"


def test_rates_without_a_source_do_not_count() -> None:
    assert classify(0.95).health is H
    assert classify(0.62).reason == "inbox 62 %"
    assert classify(None).health is HealthClass.UNKNOWN
    assert classify(None, None, 0.004).health is C


def test_reasons_name_the_rate_that_set_the_class() -> None:
    assert classify(0.82).reason == "inbox 82 %"
    assert classify(0.95).reason == ""
    assert classify(0.899).reason == "inbox 89.9 %"
    assert classify(0.95, None, 0.0025).reason == "spam 0.25 %"


def test_worst_and_formatting() -> None:
    assert worst([H, C, W]) is C
    assert worst([]) is HealthClass.UNKNOWN
    assert worst([HealthClass.UNKNOWN, H]) is H
    assert format_percent(0.625) == "62.5 %"
    assert format_percent(0.9) == "90 %"
