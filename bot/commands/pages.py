"""Long answers in pages: a page of the table's rows, the page's place in the whole, and Previous
and Next buttons (where the asker can click) that run the same command for the next page."""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

from bot.errors import UserError
from bot.replies import Button, Reply

PREVIOUS, NEXT = "\u25c0 Previous", "Next \u25b6"


def paged(reply: Reply, page: int, size: int, again: Callable[[int], str | None], clickable: bool,
          *, more: bool = False, total: int | None = None) -> Reply:
    """`reply` with rows (page-1)*size .. page*size of its table. `more`: rows exist beyond those
    in the table (a list read only as far as this page). `total`: the table holds only this
    page's rows already, of `total` in all (an answer that builds only the page it shows). Page
    buttons come before the reply's own actions; without buttons the footer says how to ask for
    the next page."""
    rows = reply.table.rows if reply.table is not None else ()
    pages = max(1, -(-(len(rows) if total is None else total) // size))
    if page > pages:
        raise UserError(f"There is no page {page}: this answer has {pages} "
                        + ("page." if pages == 1 else "pages."), f"Try page:{pages}." if pages > 1 else "")
    following = page < pages or more
    if page == 1 and not following:
        return reply
    start = (page - 1) * size
    # the phone-width cards (Table.narrow) run beside the rows, one per row
    table = (replace(reply.table, rows=rows[start:start + size], narrow=reply.table.narrow[start:start + size])
             if reply.table is not None and total is None else reply.table)
    place = f"Page {page}" + ("" if more else f" of {pages}")
    buttons: list[Button] = []
    if clickable:
        for label, target, wanted in ((PREVIOUS, page - 1, page > 1), (NEXT, page + 1, following)):
            command = again(target) if wanted else None
            if command is not None:
                buttons.append(Button(label, command))
    elif following:
        place += f"; add page:{page + 1} for more"
    footer = f"{place}. {reply.footer}" if reply.footer else f"{place}."
    return replace(reply, table=table, footer=footer, actions=(*buttons, *reply.actions))
