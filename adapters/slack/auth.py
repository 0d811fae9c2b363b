"""Who may run admin_only commands: workspace admins and owners, or user ids listed in config."""
from __future__ import annotations

from adapters.slack.users import Users

CACHE_SECONDS = 300.0  # a promotion or demotion takes effect within five minutes


class AdminCheck:
    def __init__(self, users: Users, admin_user_ids: frozenset[str]) -> None:
        self._users = users
        self._listed = admin_user_ids

    def listed(self, user_id: str) -> bool:
        """Named in `[slack] admin_user_ids`; needs no call to Slack."""
        return user_id in self._listed

    async def is_admin(self, user_id: str) -> bool:
        if user_id in self._listed:
            return True
        # Fail closed: no answer from Slack means no admin rights (users:read scope missing?).
        user = await self._users.info(user_id, CACHE_SECONDS) or {}
        return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
