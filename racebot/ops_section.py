"""`[ops]`: what an operator watches and keeps tidy: the health and metrics port, the log format,
and how long finished announcements are kept."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from racebot.section_base import Count, Positive, Section, Text

Port = Annotated[int, Field(ge=0, le=65535)]


class OpsSection(Section):
    http_port: Port | None = None  # /healthz and /metrics; none: not served; 0: any free port (tests)
    http_host: Text = "127.0.0.1"  # loopback: a scraper or probe on the same host (or pod) only
    log_format: Literal["text", "json"] = "text"
    prune_after_days: Count = 30  # finished outbox rows older than this are deleted
    prune_every_hours: Positive = 6.0
