"""Slack app manifest from the command registry, so slack-manifest.yaml never drifts from the core.

    python -m adapters.slack.manifest > slack-manifest.yaml                  # Socket Mode (default)
    python -m adapters.slack.manifest --request-url https://bot.example.org/slack/events   # HTTP mode
    python -m adapters.slack.manifest --request-url https://bot.example.org/slack/events \
        --redirect-url https://bot.example.org/slack/oauth_redirect    # HTTP mode, many workspaces

The YAML is written by hand (strings as JSON scalars, which YAML reads as double-quoted
strings) so no YAML library is needed; a test compares the file with this output.
"""
from __future__ import annotations

import argparse
import json
import sys

from adapters.slack.names import RESERVED, UMBRELLA, UMBRELLA_ONLY, syntax
from bot.commands.usage import usage

SCOPES = (
    "commands",  # slash commands
    "chat:write",  # answers and announcements
    "chat:write.public",  # optional: announce in public channels without inviting the bot
    "users:read",  # users.info: is the caller a workspace admin or owner?
    # conversations.history/replies: before re-sending an announcement whose first attempt may
    # have posted, look for its outbox key in the channel (public, private, direct)
    "channels:history",
    "groups:history",
    "im:history",
    # conversations.open: a follower's direct messages (/follow alerts)
    "im:write",
    # files.getUploadURLExternal / files.completeUploadExternal: the /h2h and /results charts
    "files:write",
)
# The install flow (many workspaces): told when a workspace removes racebot or revokes its token.
INSTALL_EVENTS = ("app_uninstalled", "tokens_revoked")
HEADER = ("# Slack app manifest for racebot. Generated from the command registry:\n"
          "#   python -m adapters.slack.manifest > slack-manifest.yaml\n"
          "# Paste it at https://api.slack.com/apps -> Create New App -> From a manifest.\n")


def build(registry, *, request_url: str = "", redirect_url: str = "", name: str = "racebot") -> dict:
    commands = []
    for cmd in registry:
        if cmd.name in RESERVED | UMBRELLA_ONLY:  # Slack refuses these (or we keep them): /racebot NAME
            continue
        commands.append({"command": f"/{cmd.name}", "description": cmd.description,
                         "usage_hint": usage(cmd, syntax(registry)).removeprefix(f"/{cmd.name}").strip()})
    if registry.get(UMBRELLA) is None:
        under = sorted(syntax(registry).under_umbrella)
        also = "".join(f", /{UMBRELLA} {name}" for name in under)
        commands.append({"command": f"/{UMBRELLA}", "description": f"Any racebot command in one: /{UMBRELLA} help{also}",
                         "usage_hint": "<command> [arguments], e.g. h2h Kerr Ingebrigtsen"})
    for c in commands:
        if not c["usage_hint"]:
            del c["usage_hint"]
        if request_url:
            c["url"] = request_url
        # Unescaped text: typed names stay names rather than becoming <@U123|name> links.
        c["should_escape"] = False
    return {
        "display_information": {"name": name,
                                "description": "Athletics results and rivalries: /h2h Kerr Ingebrigtsen"},
        "features": {"bot_user": {"display_name": name, "always_online": True}, "slash_commands": commands},
        "oauth_config": {**({"redirect_urls": [redirect_url]} if redirect_url else {}), "scopes": {"bot": list(SCOPES)}},
        # Buttons and menus (pages, filters, namesakes) send block_actions: in HTTP mode to the
        # same URL as the commands, in Socket Mode over the socket.
        "settings": {**({"event_subscriptions": {"request_url": request_url, "bot_events": list(INSTALL_EVENTS)}}
                        if redirect_url else {}),
                     "interactivity": {"is_enabled": True, **({"request_url": request_url} if request_url else {})},
                     "org_deploy_enabled": False, "socket_mode_enabled": not request_url,
                     "token_rotation_enabled": False},
    }


def to_yaml(node, indent: int = 0) -> str:
    pad = "  " * indent
    lines = []
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, (dict, list)):
                lines.append(f"{pad}{key}:\n{to_yaml(value, indent + 1)}")
            else:
                lines.append(f"{pad}{key}: {json.dumps(value, ensure_ascii=False)}")
    else:
        for item in node:
            if isinstance(item, dict):
                body = to_yaml(item, indent + 1)
                lines.append(f"{pad}- {body.lstrip()}")
            else:
                lines.append(f"{pad}- {json.dumps(item, ensure_ascii=False)}")
    return "\n".join(lines)


def render_manifest(registry, *, request_url: str = "", redirect_url: str = "") -> str:
    return HEADER + to_yaml(build(registry, request_url=request_url, redirect_url=redirect_url)) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--request-url", default="", help="HTTP mode: your public https://.../slack/events")
    parser.add_argument("--redirect-url", default="",
                        help="many workspaces: your public https://.../slack/oauth_redirect (needs --request-url)")
    args = parser.parse_args(argv)
    if args.redirect_url and not args.request_url:
        parser.error("--redirect-url is for HTTP mode: give --request-url too")
    from bot.commands.catalog import build_registry

    sys.stdout.write(render_manifest(build_registry(), request_url=args.request_url, redirect_url=args.redirect_url))


if __name__ == "__main__":
    main()
