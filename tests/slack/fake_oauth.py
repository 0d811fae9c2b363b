"""The fake Slack's half of the OAuth install flow (FakeSlack mixes it in).

GET /oauth/v2/authorize stands for Slack's consent screen: the person "allows" at once, for the
team named in `team=` (racebot's /slack/install passes it on), and the browser is sent to the
app's redirect URL with a one-time code. oauth.v2.access exchanges that code, with the app's
client id and secret (HTTP Basic, as slack_sdk sends them), for a bot token of that team's own.
"""
from __future__ import annotations

import base64
import itertools

from aiohttp import web

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "test-client-secret"


class FakeOAuth:
    bot_tokens: dict[str, str]  # every bot token the fake accepts -> its team

    def _oauth_init(self) -> None:
        self.redirect_uri = ""  # the app's redirect URL as set in its config (tests set it)
        self.consents: list[dict] = []  # each authorize request's query: scope, state, team
        self.team_names: dict[str, str] = {}
        self.orgs: dict[str, str] = {}  # team -> its Enterprise Grid org, for teams inside one
        self._codes: dict[str, str] = {}  # unused code -> team
        self._serial = itertools.count(1)

    def oauth_routes(self) -> list[web.RouteDef]:
        return [web.get("/oauth/v2/authorize", self._consent)]

    def token_of(self, team: str) -> str:
        return next(t for t, owner in self.bot_tokens.items() if owner == team)

    def revoke(self, team: str) -> None:
        """What an uninstall does on Slack's side: the team's tokens stop working."""
        for token in [t for t, owner in self.bot_tokens.items() if owner == team]:
            del self.bot_tokens[token]

    async def _consent(self, request: web.Request) -> web.Response:
        query = dict(request.query)
        self.consents.append(query)
        if query.get("client_id") != CLIENT_ID:
            return web.Response(status=400, text="invalid_client_id")
        code = f"code-{next(self._serial)}"
        self._codes[code] = query.get("team") or "T0TEAM"
        target = query.get("redirect_uri") or self.redirect_uri
        raise web.HTTPFound(f"{target}?code={code}&state={query.get('state', '')}")

    def oauth_access(self, args: dict, authorization: str) -> dict:
        basic = authorization.removeprefix("Basic ")
        given = base64.b64decode(basic).decode() if basic != authorization else \
            f"{args.get('client_id', '')}:{args.get('client_secret', '')}"
        if given != f"{CLIENT_ID}:{CLIENT_SECRET}":
            return {"ok": False, "error": "invalid_client"}
        team = self._codes.pop(str(args.get("code", "")), None)  # a code is good once
        if team is None:
            return {"ok": False, "error": "invalid_code"}
        token = f"xoxb-{team}-{next(self._serial)}"
        self.bot_tokens[token] = team
        return {"ok": True, "access_token": token, "token_type": "bot", "app_id": "A0APP",
                "scope": "commands,chat:write,users:read", "bot_user_id": f"U0BOT{team}",
                "team": {"id": team, "name": self.team_names.get(team, f"Team {team}")},
                "enterprise": {"id": self.orgs[team], "name": "Grid"} if team in self.orgs else None,
                "is_enterprise_install": False, "authed_user": {"id": "U0INSTALLER"}}
