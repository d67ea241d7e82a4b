"""The pacer keeps a background pass to its share of wall time, in slices."""

from __future__ import annotations

import pytest

from opentruth.labeling.pacing import Pacer


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def work(self, seconds: float) -> None:
        self.now += seconds


def test_it_sleeps_only_once_a_slice_of_work_is_used_up() -> None:
    t = FakeTime()
    pacer = Pacer(0.5, 0.004, clock=t.clock, sleep=t.sleep)
    t.work(0.001)
    pacer.tick()
    t.work(0.002)
    pacer.tick()
    assert t.sleeps == []  # 3 ms of work: under the slice
    t.work(0.002)
    pacer.tick()
    assert t.sleeps == [pytest.approx(0.005)]  # 5 ms of work, then as long asleep


@pytest.mark.parametrize("share", [0.25, 0.5, 0.8])
def test_the_work_takes_its_share_of_wall_time(share: float) -> None:
    t = FakeTime()
    pacer = Pacer(share, 0.004, clock=t.clock, sleep=t.sleep)
    worked = 0.0
    for i in range(1000):
        unit = 0.0005 + 0.0001 * (i % 7)  # uneven units of work
        t.work(unit)
        worked += unit
        pacer.tick()
    assert worked / t.now == pytest.approx(share, rel=0.02)
    assert pacer.slept == pytest.approx(sum(t.sleeps))
    # No stretch of work between two sleeps is much longer than a slice (one unit over at most).
    assert max(t.sleeps) <= (0.004 + 0.0011) * (1 - share) / share + 1e-9


def test_the_whole_share_never_sleeps() -> None:
    t = FakeTime()
    pacer = Pacer(1.0, clock=t.clock, sleep=t.sleep)
    for _ in range(100):
        t.work(0.01)
        pacer.tick()
    assert t.sleeps == [] and pacer.slept == 0


@pytest.mark.parametrize("share", [0.0, -0.5, 1.5])
def test_a_share_outside_0_to_1_is_refused(share: float) -> None:
    with pytest.raises(ValueError, match="share must be in"):
        Pacer(share)
