"""bolt's installation store and authorize over racebot's store (bot.store.installs): one bot token
per workspace, kept where every replica reads it, sealed at rest (adapters/slack/sealing.py).

Only the bot's part of an install is kept (racebot asks for no user scopes): bolt runs bot-only.
A workspace's install is found by its team id alone (unique in Slack, inside an Enterprise Grid
org too), so an announcement, which knows only the channel's team, finds its token. An org-wide
install (Enterprise Grid) is kept under ORG_WIDE + the org's id.
"""
from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from typing import Any, Optional

from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncAuthorize
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation

from adapters.slack.sealing import NoToken, TokenSeal
from bot.store.installs import ORG_WIDE, Install, Installs

log = logging.getLogger(__name__)

PLATFORM = "slack"
# What is kept beside the sealed token: enough to answer without asking Slack (auth.test) again.
_DETAILS = ("app_id", "enterprise_name", "team_name", "bot_id", "bot_user_id", "bot_scopes", "is_enterprise_install")


def _workspace(enterprise_id: Optional[str], team_id: Optional[str], org_wide: Optional[bool]) -> str:
    return ORG_WIDE + (enterprise_id or "") if org_wide else team_id or ""


class StoreInstallations(AsyncInstallationStore):
    def __init__(self, store: Installs, seal: TokenSeal) -> None:
        self._store = store
        self._seal = seal

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_save(self, installation: Installation) -> None:
        await self.async_save_bot(installation.to_bot())

    async def async_save_bot(self, bot: Bot) -> None:
        if not bot.bot_token:
            log.warning("an install without a bot token was not kept (team %s)", bot.team_id)
            return
        scopes = ",".join(bot.bot_scopes) if isinstance(bot.bot_scopes, (list, tuple)) else bot.bot_scopes
        details = {name: getattr(bot, name) for name in _DETAILS} | {"bot_scopes": scopes or ""}
        org, workspace = bot.enterprise_id or "", _workspace(bot.enterprise_id, bot.team_id, bot.is_enterprise_install)
        await self._store.save_install(Install(PLATFORM, org, workspace, self._seal.seal(bot.bot_token),
                                               json.dumps(details, sort_keys=True), datetime.now(timezone.utc)))
        log.info("Slack: installed in team %s%s", bot.team_id or "-", f" (org {org})" if org else "")

    async def async_find_bot(self, *, enterprise_id: Optional[str], team_id: Optional[str],
                             is_enterprise_install: Optional[bool] = False) -> Optional[Bot]:
        found = await self._store.find_install(PLATFORM, _workspace(enterprise_id, team_id, is_enterprise_install))
        token = self._seal.open(found.secret) if found else None
        if found is None or token is None:
            return None
        d: dict[str, Any] = json.loads(found.details)
        team = None if found.workspace.startswith(ORG_WIDE) else found.workspace
        return Bot(enterprise_id=found.org or None, team_id=team, bot_token=token,
                   installed_at=(found.installed_at or datetime.now(timezone.utc)).timestamp(),
                   app_id=d.get("app_id"), enterprise_name=d.get("enterprise_name"), team_name=d.get("team_name"),
                   bot_id=d.get("bot_id") or "", bot_user_id=d.get("bot_user_id") or "",
                   bot_scopes=d.get("bot_scopes") or "", is_enterprise_install=bool(d.get("is_enterprise_install")))

    async def bot_token(self, team_id: str) -> str | None:
        """The workspace's bot token for posting into it; None when racebot is not installed there."""
        found = await self._store.find_install(PLATFORM, team_id)
        if found is None:
            return None
        token = self._seal.open(found.secret)
        if token is None:
            raise NoToken(team_id)
        return token

    async def async_find_installation(self, *, enterprise_id: Optional[str], team_id: Optional[str],
                                      user_id: Optional[str] = None,
                                      is_enterprise_install: Optional[bool] = False) -> Optional[Installation]:
        bot = await self.async_find_bot(enterprise_id=enterprise_id, team_id=team_id,
                                        is_enterprise_install=is_enterprise_install)
        if bot is None:
            return None
        return Installation(app_id=bot.app_id, enterprise_id=bot.enterprise_id, enterprise_name=bot.enterprise_name,
                            team_id=bot.team_id, team_name=bot.team_name, bot_token=bot.bot_token, bot_id=bot.bot_id,
                            bot_user_id=bot.bot_user_id, bot_scopes=bot.bot_scopes, user_id=user_id or "",
                            is_enterprise_install=bot.is_enterprise_install, installed_at=bot.installed_at)

    async def async_delete_bot(self, *, enterprise_id: Optional[str], team_id: Optional[str]) -> None:
        # bolt's uninstall listeners name no org-wide flag: the workspace's row, else the org's.
        for org_wide in (False, True):
            if await self._store.delete_install(PLATFORM, _workspace(enterprise_id, team_id, org_wide)):
                log.info("Slack: uninstalled from team %s; its bot token is forgotten", team_id or "-")
                return

    async def async_delete_installation(self, *, enterprise_id: Optional[str], team_id: Optional[str],
                                        user_id: Optional[str] = None) -> None:
        if user_id is None:  # no user tokens are kept: only "delete everything" concerns us
            await self.async_delete_bot(enterprise_id=enterprise_id, team_id=team_id)


class StoredAuthorize(AsyncAuthorize):
    """Each request's workspace answered with its own bot token, from the store alone: bolt's
    default would also call auth.test on every request, a Slack round trip inside the 3-second ack."""

    def __init__(self, installations: StoreInstallations) -> None:
        super().__init__()
        self._installations = installations

    async def __call__(self, *, context: Any, enterprise_id: Optional[str], team_id: Optional[str],
                       user_id: Optional[str], **_actor: Any) -> Optional[AuthorizeResult]:
        bot = await self._installations.async_find_bot(enterprise_id=enterprise_id, team_id=team_id)
        if bot is None and enterprise_id:  # an org-wide install answers for every workspace of its org
            bot = await self._installations.async_find_bot(enterprise_id=enterprise_id, team_id=None,
                                                           is_enterprise_install=True)
        if bot is None:
            log.info("Slack: a request from team %s, where racebot is not installed", team_id or "-")
            return None
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token=bot.bot_token,
                               bot_id=bot.bot_id, bot_user_id=bot.bot_user_id, bot_scopes=bot.bot_scopes,
                               user_id=user_id)
