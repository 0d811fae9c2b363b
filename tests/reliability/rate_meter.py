"""A platform's global rate limit as the platform keeps it, for the fakes: every request it is
asked about arrives now; past `limit` in the last `window` seconds it is refused (the caller answers
429), and the highest count ever seen in one window is kept, so a test can say the processes
together never went past it."""
from __future__ import annotations

import time
from collections import deque
from typing import Callable


class RateMeter:
    def __init__(self, limit: int, window: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._recent: deque[float] = deque()
        self.accepted = 0
        self.refused = 0
        self.peak = 0  # the most requests accepted in any one window

    def admit(self) -> float:
        """0 when this request passes (and is counted), else the seconds until one would."""
        now = self.clock()
        while self._recent and self._recent[0] <= now - self.window:
            self._recent.popleft()
        if len(self._recent) >= self.limit:
            self.refused += 1
            return self._recent[0] + self.window - now
        self._recent.append(now)
        self.accepted += 1
        self.peak = max(self.peak, len(self._recent))
        return 0.0
