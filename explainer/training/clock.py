"""Time left for a training run by the wall clock: steps against the time that really passes, drawing the page,
saving and sampling included. (The trainer's own clock counts the steps alone: in the page, where each half-second
slice of steps is followed by a redraw, it said 1 min 27 s left when 4 minutes remained.)"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

WINDOW_S = 30.0  # the recent pace: long enough to smooth the slices, short enough to follow a change of load
MIN_SPAN_S = 1.5  # below this, too few slices to say


@dataclass
class WallClock:
    marks: deque[tuple[float, int]] = field(default_factory=deque)  # (seconds, step), oldest first

    def reset(self) -> None:
        """A pause (or a wait in the queue): the time away is not the run's pace."""
        self.marks.clear()

    def mark(self, now: float, step: int) -> None:
        self.marks.append((now, step))
        while len(self.marks) > 2 and now - self.marks[1][0] >= WINDOW_S:
            self.marks.popleft()

    def seconds_left(self, steps_left: int) -> float | None:
        """At the pace of the last WINDOW_S seconds; None until it has been measured for MIN_SPAN_S."""
        if len(self.marks) < 2:
            return None
        (t0, s0), (t1, s1) = self.marks[0], self.marks[-1]
        if t1 - t0 < MIN_SPAN_S or s1 <= s0:
            return None
        return max(0, steps_left) * (t1 - t0) / (s1 - s0)
