"""Publisher.send for Slack: render, post in order, and never post the same key twice in this process.

Slack's chat.postMessage has no idempotency key (Discord has `nonce`), so we remember, per key,
the `ts` of every part already posted. A retry with the same key skips what went out and
resumes at the part that failed; a key already complete is answered DELIVERED without posting.
The memory is bounded and lives in this process only. Beyond it, every part carries its key in
the message metadata, and when the outbox says an earlier attempt may have posted (a lost
answer, another process, a crash) the channel's history is read first (adapters/slack/recall.py).
"""
from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass, field

from datetime import datetime

from adapters.slack import recall
from adapters.slack.outbound import Dest, Outbound
from adapters.slack.render import render, render_spoiler
from bot.announce.publishing import ChannelRef, Delivery, Outcome
from bot.replies import Reply

REMEMBERED_KEYS = 2048
RENDERED = 64  # replies whose Block Kit is kept: a fan-out sends one reply object to many channels


@dataclass
class _Progress:
    posted: list[str] = field(default_factory=list)  # ts of each part already in Slack
    complete: bool = False


class SlackPublisher:
    platform = "slack"

    def __init__(self, outbound: Outbound, *, remember: int = REMEMBERED_KEYS) -> None:
        self._outbound = outbound
        self._remember = remember
        self._progress: OrderedDict[str, _Progress] = OrderedDict()
        self._dms: OrderedDict[str, str] = OrderedDict()  # user id -> DM channel id
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}  # key -> (lock, callers using it)
        # id(reply) -> (reply, messages); the reply is held so its id cannot be reused meanwhile
        self._rendered: OrderedDict[int, tuple[Reply, list[_Part]]] = OrderedDict()

    async def send(self, channel: ChannelRef, reply: Reply, key: str, *,
                   in_doubt_since: datetime | None = None) -> Delivery:
        if channel.platform != self.platform:
            return Delivery(Outcome.REJECTED, detail=f"not a Slack channel: {channel}")
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:  # two sends with one key at once: the second waits, then sees "complete"
                target = await self._dm(channel.user_id) if channel.user_id else channel.channel
                if isinstance(target, Delivery):
                    return target
                return await self._send(target, reply, key, in_doubt_since)
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    async def _send(self, channel: str, reply: Reply, key: str, in_doubt_since: datetime | None) -> Delivery:
        progress = self._progress.get(key) or _Progress()
        if progress.complete:
            return Delivery(Outcome.DELIVERED, detail="already posted with this key",
                            message_id=progress.posted[0] if progress.posted else "")
        parts = self._render(reply)
        recovered = 0
        if in_doubt_since is not None:
            found = await recall.find_parts(self._outbound, channel, key, in_doubt_since,
                                            any(in_thread for in_thread, _ in parts))
            if isinstance(found, Delivery):
                return found
            while len(progress.posted) in found:  # parts go out in order: resume after the last found
                progress.posted.append(found[len(progress.posted)])
                recovered += 1
        for i, (in_thread, message) in enumerate(parts):
            if i < len(progress.posted):
                continue
            dest = Dest(channel=channel, thread_ts=progress.posted[0] if in_thread else "")
            delivery = await self._outbound.post(dest, {**message, "metadata": recall.metadata(key, i)})
            if delivery.outcome is not Outcome.DELIVERED:
                self._keep(key, progress)
                return delivery
            progress.posted.append(delivery.message_id)
        progress.complete = True
        self._keep(key, progress)
        return Delivery(Outcome.DELIVERED, message_id=progress.posted[0] if progress.posted else "",
                        detail=f"{recovered} part(s) found in the channel" if recovered else "")

    async def _dm(self, user: str) -> str | Delivery:
        """A follower's DM channel, opened once and kept (in memory, bounded)."""
        if user in self._dms:
            self._dms.move_to_end(user)
            return self._dms[user]
        opened = await self._outbound.open_dm(user)
        if isinstance(opened, Delivery):
            return opened
        if not opened:
            return Delivery(Outcome.RETRY, detail="conversations.open gave no channel")
        self._dms[user] = opened
        while len(self._dms) > self._remember:
            self._dms.popitem(last=False)
        return opened

    def _render(self, reply: Reply) -> list[_Part]:
        """Rendered once per reply object: Block Kit is the same in every channel."""
        hit = self._rendered.get(id(reply))
        if hit is not None and hit[0] is reply:
            return hit[1]
        parts = plan(reply)
        self._rendered[id(reply)] = (reply, parts)
        while len(self._rendered) > RENDERED:
            self._rendered.popitem(last=False)
        return parts

    def _keep(self, key: str, progress: _Progress) -> None:
        self._progress[key] = progress
        self._progress.move_to_end(key)
        while len(self._progress) > self._remember:
            self._progress.popitem(last=False)


_Part = tuple[bool, dict]  # (in the thread of the first part, message)


def plan(reply: Reply) -> list[_Part]:
    """The messages, in order: a spoiler's result goes in the thread of its headline."""
    if reply.spoiler:
        headline, thread = render_spoiler(reply)
        return [(False, headline)] + [(True, m) for m in thread]
    return [(False, m) for m in render(reply)]
