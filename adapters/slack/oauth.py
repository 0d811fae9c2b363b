"""bolt's OAuth settings for the install flow: racebot's client id and secret, the manifest's bot
scopes, installations and states in racebot's store, and pages that say what to do next."""
from __future__ import annotations

import html
import logging

import aiohttp
from slack_bolt.oauth.async_callback_options import AsyncCallbackOptions, AsyncFailureArgs, AsyncSuccessArgs
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.installs import StoreInstallations
from adapters.slack.manifest import SCOPES
from adapters.slack.oauth_states import STATE_SECONDS, StoreStates
from adapters.slack.settings import INSTALL_PATH, REDIRECT_PATH, SlackSettings

# What a person who came back from Slack's consent screen is told, by bolt's reason for refusing.
WHY = {
    "access_denied": "The install was cancelled on Slack's page.",
    "invalid_browser": "This link was started in another browser, or the page was opened twice.",
    "invalid_state": "This install link was already used or is more than ten minutes old.",
    "missing_code": "Slack sent no authorisation code back.",
    "invalid_code": "Slack did not accept the authorisation code (it may have been used already).",
    "storage_error": "racebot could not save the install.",
}


def oauth_flow(s: SlackSettings, session: aiohttp.ClientSession, installations: StoreInstallations,
               states: StoreStates) -> AsyncOAuthFlow:
    """The flow, with a Web API client of its own whose logger never logs at DEBUG: slack_sdk logs
    each answer's body there, and oauth.v2.access answers with the new bot token."""
    quiet = logging.getLogger("racebot.slack.oauth.web")
    quiet.setLevel(max(logging.INFO, quiet.getEffectiveLevel()))
    client = AsyncWebClient(base_url=s.api_base_url, session=session, logger=quiet)
    return AsyncOAuthFlow(client=client, logger=logging.getLogger("racebot.slack.oauth"),
                          settings=oauth_settings(s, installations, states))


def oauth_settings(s: SlackSettings, installations: StoreInstallations, states: StoreStates) -> AsyncOAuthSettings:
    return AsyncOAuthSettings(
        client_id=s.client_id, client_secret=s.client_secret, scopes=list(SCOPES),
        redirect_uri=s.redirect_uri or None, install_path=INSTALL_PATH, redirect_uri_path=REDIRECT_PATH,
        installation_store=installations, installation_store_bot_only=True,
        state_store=states, state_expiration_seconds=STATE_SECONDS,
        # Straight to Slack's consent screen: a page with one "Add to Slack" button adds nothing.
        install_page_rendering_enabled=False,
        callback_options=AsyncCallbackOptions(success=_success, failure=_failure),
        authorization_url=f"{s.api_base_url.removesuffix('/api/')}/oauth/v2/authorize",
    )


async def _success(args: AsyncSuccessArgs) -> BoltResponse:
    team = html.escape(args.installation.team_name or args.installation.team_id or "your workspace")
    return _page(args.settings.state_utils.build_set_cookie_for_deletion(), 200, "racebot is installed", f"racebot now answers in {team}. Try <code>/h2h Kerr Ingebrigtsen</code> "
                 "in any channel, and <code>/subscribe</code> where results should be posted.")


async def _failure(args: AsyncFailureArgs) -> BoltResponse:
    why = WHY.get(args.reason, "Slack's answer could not be used.")
    # 4xx as bolt suggests, so a monitor sees failures; nothing was stored.
    return _page(args.settings.state_utils.build_set_cookie_for_deletion(), args.suggested_status_code,
                 "racebot was not installed",
                 f"{html.escape(why)} Nothing was changed. <a href=\"{INSTALL_PATH}\">Start the install again</a>.")


def _page(spent_cookie: str, status: int, title: str, body: str) -> BoltResponse:
    """The state's cookie is cleared either way: this install attempt is over."""
    page = (f"<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head>"
            f"<body><h1>{title}</h1><p>{body}</p></body></html>")
    return BoltResponse(status=status, body=page,
                        headers={"Content-Type": "text/html; charset=utf-8", "Set-Cookie": [spent_cookie]})
