from __future__ import annotations

from mailfleet.pools.standing import explain, rest_standing
from tests.pools._support import TONIGHT, member


def test_explain_adds_the_threshold_a_critical_rate_crossed() -> None:
    assert explain("bounce 6.1 %; dmarc: no record for acme-mail.example") == (
        "bounce 6.1 % > 5 %; dmarc: no record for acme-mail.example"
    )
    assert explain("inbox 62 %") == "inbox 62 % < 70 %"
    assert explain("bounce 4 %") == "bounce 4 %"  # a warning: no threshold crossed
    assert explain("inbox n/a %") == "inbox n/a %"
    assert explain("") == ""


def test_rest_standing_counts_healthy_and_unknown_reports_after_the_last_critical_night() -> None:
    rest = rest_standing(member("hccu").nights, 3)
    assert rest.resting and rest.clean == 1 and rest.since is not None
    assert (TONIGHT - rest.since).days == 2 and (TONIGHT - rest.last_critical).days == 1  # type: ignore[operator]
    done = rest_standing(member("hccuhh").nights, 3)
    assert not done.resting and done.readmitted_on == TONIGHT
    assert not rest_standing(member("hwhw").nights, 3).resting  # never critical: never rested
