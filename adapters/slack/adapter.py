"""The Slack adapter: bolt's AsyncApp in Socket Mode or HTTP mode, and the Publisher for Slack.

Everything that needs the event loop (HTTP sessions, bolt's app, the Socket Mode client) is built
in `start()`, never at import or construction, so building the adapter is free and testable.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Awaitable, Callable, cast

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.auth import AdminCheck
from adapters.slack.clicks import SlackClicks
from adapters.slack.installs import StoreInstallations, StoredAuthorize
from adapters.slack.oauth import oauth_flow
from adapters.slack.oauth_states import StoreStates
from adapters.slack.outbound import Outbound, web_client
from adapters.slack.publisher import SlackPublisher
from adapters.slack.sealing import NoToken, TokenSeal
from adapters.slack.seen_requests import ReplayGuard
from adapters.slack.server import EventsServer
from adapters.slack.settings import SlackSettings
from adapters.slack.slash import SlashCommands
from adapters.slack.tasks import TaskSet
from adapters.slack.users import Users
from adapters.slack.workspaces import InstalledWorkspaces, OneWorkspace, Workspace, Workspaces
from bot.errors import NotStarted, Unreachable
from bot.announce.publishing import ChannelRef, Delivery, Outcome
from bot.replies import Reply

if TYPE_CHECKING:  # loaded in start(), in Socket Mode only
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

log = logging.getLogger(__name__)

HTTP_TIMEOUT = aiohttp.ClientTimeout(total=30)
NOT_INSTALLED = "racebot is not installed in this workspace (any more): an admin can add it again."
DRAIN_SECONDS = 10.0  # on stop, answers already under way get this long to reach Slack


class SlackAdapter:
    platform = "slack"

    def __init__(self, core, settings: SlackSettings, *, name: str = "slack") -> None:
        self.name = name
        self.core = core
        self.settings = settings
        self.port = 0  # HTTP mode: the port actually bound (config may say 0)
        self.tasks = TaskSet()
        self.app: AsyncApp | None = None
        self._session: aiohttp.ClientSession | None = None
        self._server: EventsServer | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self._workspaces: Workspaces | None = None  # whose clients answer: set in start()
        self._one_client: AsyncWebClient | None = None

    async def start(self) -> None:
        s = self.settings
        self._session = aiohttp.ClientSession(timeout=HTTP_TIMEOUT)
        try:
            authorize, oauth = await (self._installed() if s.oauth else self._one_workspace())
        except BaseException:
            await self._session.close()
            self._session = None
            raise
        self.app = AsyncApp(
            name="racebot", logger=logging.getLogger("racebot.slack.bolt"), authorize=authorize,
            # No token here: authorize() supplies it, and bolt warns when given both.
            client=AsyncWebClient(base_url=s.api_base_url, session=self._session),
            signing_secret=s.signing_secret or None,
            # Socket Mode frames arrive over our own authenticated websocket: nothing to sign.
            request_verification_enabled=s.mode == "http",
            process_before_response=False,  # ack first; our listener keeps working after ack()
            oauth_flow=oauth, installation_store_bot_only=True if oauth else None,
            user_facing_authorize_error_message=NOT_INSTALLED,
        )
        if oauth is not None:
            self.app.enable_token_revocation_listeners()  # app_uninstalled, tokens_revoked: forget the token
        assert self._workspaces is not None
        slash = SlashCommands(self.core, self._workspaces, self.tasks)
        slash.register(self.app)
        SlackClicks(self.core, self._workspaces, self.tasks).register(self.app)
        log.info("Slack: %d commands (%s mode%s)", len(slash.names()), s.mode,
                 ", many workspaces through the install flow" if oauth else "")
        if s.mode == "http":
            self._server = EventsServer(self.app, s.http_host, s.http_port, s.http_path,
                                        ReplayGuard(self.core.store, s.signing_secret))
            await self._server.start()
            self.port = self._server.port
        else:
            from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

            # The Socket Mode client starts tasks in its constructor: it must be built in the loop.
            self._socket = AsyncSocketModeHandler(self.app, app_token=s.app_token, web_client=self._one_client,
                                                  logger=logging.getLogger("racebot.slack.socket"))
            await self._socket.connect_async()

    def _workspace(self, token: str) -> Workspace:
        assert self._session is not None
        client = web_client(self._session, self.settings.api_base_url, token)
        outbound = Outbound(client, self._session)
        users = Users(client)
        return Workspace(outbound, SlackPublisher(outbound), users, AdminCheck(users, self.settings.admin_user_ids))

    async def _one_workspace(self) -> tuple[Callable[..., Awaitable[AuthorizeResult]], None]:
        """SLACK_BOT_TOKEN for every request, checked once now."""
        s = self.settings
        assert self._session is not None
        client = web_client(self._session, s.api_base_url, s.bot_token)
        try:
            who = await client.auth_test()  # fail fast on a wrong token, before Slack sends anything
        except SlackApiError as exc:
            data = getattr(exc.response, "data", None)
            raise NotStarted(f"Slack rejected SLACK_BOT_TOKEN: "
                             f"{data.get('error') if isinstance(data, dict) else 'no answer'}") from None
        except (OSError, aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise Unreachable(f"cannot reach Slack ({type(exc).__name__})") from None
        identity = AuthorizeResult.from_auth_test_response(auth_test_response=who, bot_token=s.bot_token)
        log.info("Slack: connected as %s in team %s", who.get("user_id"), who.get("team_id"))
        self._one_client = client
        self._workspaces = OneWorkspace(self._workspace(s.bot_token))

        async def authorize() -> AuthorizeResult:
            # One workspace, known since start-up: bolt would otherwise call auth.test again on the
            # first command, before the ack, putting a Slack round trip inside the 3-second ack.
            return identity
        return authorize, None

    async def _installed(self) -> tuple[Callable[..., Awaitable[AuthorizeResult]], AsyncOAuthFlow]:
        """Many workspaces: each request answered with its workspace's token from the store."""
        s = self.settings
        seal = TokenSeal(s.token_key)
        if not seal.sealing:
            log.warning("Slack: SLACK_TOKEN_KEY is not set: installed workspaces' bot tokens are stored unencrypted")
        installations = StoreInstallations(self.core.store, seal)
        self._workspaces = InstalledWorkspaces(self._workspace, installations.bot_token)
        # bolt takes an AsyncAuthorize object where its type hint names only functions.
        authorize = cast(Callable[..., Awaitable[AuthorizeResult]], StoredAuthorize(installations))
        assert self._session is not None
        return authorize, oauth_flow(s, self._session, installations, StoreStates(self.core.store))

    async def stop(self) -> None:
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None
        if self._server is not None:
            await self._server.stop()
            self._server = None
        await self.tasks.drain(DRAIN_SECONDS)
        if self._session is not None:
            await self._session.close()
            self._session = None
        self._workspaces = None

    async def send(self, channel: ChannelRef, reply: Reply, key: str, *,
                   in_doubt_since: datetime | None = None) -> Delivery:
        if self._workspaces is None or self._session is None:
            return Delivery(Outcome.RETRY, retry_after=5.0, detail="Slack adapter not started")
        try:
            ws = await self._workspaces.get(channel.workspace)
        except NoToken:  # a key missing or changed: the install is still there, the row must wait
            return Delivery(Outcome.RETRY, retry_after=300.0, detail="bot token cannot be opened")
        if ws is None:
            return Delivery(Outcome.GONE, detail="racebot is not installed in that workspace")
        return await ws.publisher.send(channel, reply, key, in_doubt_since=in_doubt_since)
