"""What the composition root runs for each chat platform: started, stopped, and its Publisher.

Inbound handling stays inside each adapter (it calls the Core); the announcements go out through
`send` (bot.announce.publishing.Publisher), so every adapter is the Publisher of its platform.
"""
from __future__ import annotations

from typing import Protocol

from bot.announce.publishing import Publisher


class Adapter(Publisher, Protocol):
    name: str  # for the log; `platform` (from Publisher) names where its announcements go

    async def start(self) -> None: ...
    async def stop(self) -> None: ...
