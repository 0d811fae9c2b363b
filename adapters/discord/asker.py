"""Who asked, and from where, as the core's Context: one definition for commands and clicks."""
from __future__ import annotations

import discord

from bot.announce.publishing import ChannelRef
from bot.commands.registry import Context, Syntax

# Discord's own syntax for /help: slash commands with named options.
OPTIONS = Syntax(options=True)


def context_of(interaction: discord.Interaction) -> Context:
    """Who asked and where. Admin rights come only from the permissions Discord resolved for
    this member in this channel, never from anything the user typed."""
    perms = interaction.permissions
    in_guild = interaction.guild_id is not None
    user = interaction.user
    return Context(
        user_id=str(user.id),
        user_name=user.display_name,
        channel=ChannelRef("discord", str(interaction.guild_id or ""), str(interaction.channel_id or "")),
        is_admin=in_guild and (perms.manage_channels or perms.administrator),
        syntax=OPTIONS,
        clickable=True,
    )
