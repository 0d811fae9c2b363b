"""Paint recorded platform messages as a fan sees them, roughly: a Discord embed (dark theme) or
Slack Block Kit blocks (light), with the chart under them. Pillow only; the shapes and markup
are read from what the fakes recorded, so a change to a renderer shows here after a rerun.
"""
from __future__ import annotations

import io
import re
from datetime import datetime, timezone
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

import matplotlib  # only for its bundled DejaVu fonts: the same on every machine

FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
WIDTH = 880


def font(kind: str, size: int) -> ImageFont.FreeTypeFont:
    name = {"sans": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf", "mono": "DejaVuSansMono.ttf"}[kind]
    return ImageFont.truetype(str(FONTS / name), size)


class Canvas:
    """A tall strip drawn top to bottom, cropped to what was used."""

    def __init__(self, background: str, width: int = WIDTH) -> None:
        self.image = Image.new("RGB", (width, 6000), background)
        self.draw = ImageDraw.Draw(self.image)
        self.y = 16
        self.width = width

    def text(self, text: str, x: int, style: tuple[str, int], colour: str, width: int, gap: int = 4) -> None:
        f = font(*style)
        for line in text.split("\n"):
            for piece in wrap(line, f, width):
                self.draw.text((x, self.y), piece, font=f, fill=colour)
                self.y += style[1] + gap
        self.y += 2

    def code(self, lines: list[str], x: int, width: int, background: str, colour: str, size: int = 12) -> None:
        f = font("mono", size)
        height = len(lines) * (size + 4) + 12
        self.draw.rounded_rectangle((x, self.y, x + width, self.y + height), 4, fill=background)
        for i, line in enumerate(lines):
            self.draw.text((x + 8, self.y + 6 + i * (size + 4)), line, font=f, fill=colour)
        self.y += height + 8

    def picture(self, png: bytes, x: int, width: int) -> None:
        img = Image.open(io.BytesIO(png)).convert("RGB")
        if img.width > width:
            img = img.resize((width, int(img.height * width / img.width)), Image.LANCZOS)
        self.image.paste(img, (x, self.y))
        self.y += img.height + 8

    def done(self) -> Image.Image:
        return self.image.crop((0, 0, self.width, self.y + 12))


def wrap(line: str, f: ImageFont.FreeTypeFont, width: int) -> list[str]:
    words, out, current = line.split(" "), [], ""
    for w in words:
        trial = f"{current} {w}" if current else w
        if f.getlength(trial) <= width or not current:
            current = trial
        else:
            out.append(current)
            current = w
    return out + [current]


# --- Discord -------------------------------------------------------------------------------
def _discord_text(text: str) -> str:
    text = text.replace("\u200b", "")
    text = re.sub(r"<t:(\d+):\w>", lambda m: datetime.fromtimestamp(int(m.group(1)), timezone.utc)
                  .strftime("%d %B %Y %H:%M"), text)
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    return re.sub(r"\\([\\*_`~|>#\-\[\]()<@:.])", r"\1", text)


def _discord_chunks(text: str) -> list[tuple[str, str]]:
    """("text", ...) and ("code", ...) pieces of a description."""
    out = []
    for i, part in enumerate(re.split(r"```\n?(.*?)\n?```", text, flags=re.S)):
        if part.strip():
            out.append(("code" if i % 2 else "text", part.strip("\n")))
    return out


def discord(messages: list[dict]) -> Image.Image:
    """Each message: {"content", "embeds", "attachments": [{"filename", "data"}]}."""
    c = Canvas("#313338")
    for m in messages:
        c.text("racebot  APP", 72, ("bold", 15), "#f2f3f5", 700)
        if m.get("content"):
            c.text(_discord_text(m["content"]), 72, ("sans", 14), "#dbdee1", 760)
        files = {a["filename"]: a for a in m.get("attachments") or []}
        for e in m.get("embeds") or []:
            top = c.y
            c.y += 10
            x, inner = 88, 700
            if e.get("title"):
                c.text(_discord_text(e["title"]), x, ("bold", 15), "#f2f3f5", inner)
            for kind, part in _discord_chunks(e.get("description", "")):
                if kind == "code":
                    c.code(part.split("\n"), x, inner, "#2b2d31", "#dbdee1", 11)
                else:
                    c.text(_discord_text(part), x, ("sans", 13), "#dbdee1", inner)
            for row in _rows(e.get("fields") or []):
                top_of_row, bottom = c.y, c.y
                column = inner // 3 if len(row) > 1 or row[0].get("inline") else inner
                for i, f in enumerate(row):  # inline fields sit three to a row, as Discord shows them
                    c.y = top_of_row
                    fx = x + i * column
                    c.text(_discord_text(f["name"]), fx, ("bold", 13), "#f2f3f5", column - 12, 2)
                    for kind, part in _discord_chunks(f["value"]):
                        if kind == "code":
                            c.code(part.split("\n"), fx, column - 12, "#2b2d31", "#dbdee1", 11)
                        else:
                            c.text(_discord_text(part), fx, ("sans", 13), "#dbdee1", column - 12)
                    bottom = max(bottom, c.y)
                c.y = bottom + 4
            url = (e.get("image") or {}).get("url", "")
            if url.startswith("attachment://") and url[13:] in files:
                c.picture(files[url[13:]]["data"], x, inner)
            if e.get("footer"):
                c.text(_discord_text(e["footer"]["text"]), x, ("sans", 11), "#b5bac1", inner)
            colour = "#%06x" % e.get("color", 0x1F6FB2)
            c.draw.rounded_rectangle((72, top, 72 + inner + 32, c.y + 6), 4, outline="#1e1f22", fill=None)
            c.draw.rectangle((72, top, 76, c.y + 6), fill=colour)
            c.y += 18
    return c.done()


def _rows(fields: list[dict]) -> list[list[dict]]:
    rows: list[list[dict]] = []
    for f in fields:
        if f.get("inline") and rows and rows[-1][-1].get("inline") and len(rows[-1]) < 3:
            rows[-1].append(f)
        else:
            rows.append([f])
    return rows


# --- Slack ---------------------------------------------------------------------------------
def _slack_text(text: str) -> str:
    text = re.sub(r"<!date\^\d+\^[^|>]*\|([^>]*)>", r"\1", text)
    text = re.sub(r"(?<![\w*])\*(\S[^*\n]*?)\*(?![\w*])", r"\1", text)
    text = text.replace("\u200b", "")
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def slack(messages: list[dict], files: list[dict]) -> Image.Image:
    """Each message: Block Kit {"blocks": [...]}; `files`: uploads shared after it ({"title", "data"})."""
    c = Canvas("#ffffff")
    x, inner = 72, 760
    for m in messages:
        c.text("racebot  APP", x, ("bold", 15), "#1d1c1d", inner)
        for b in m.get("blocks") or []:
            if b["type"] == "header":
                c.text(_slack_text(b["text"]["text"]), x, ("bold", 17), "#1d1c1d", inner)
            elif b["type"] == "section":
                for i, part in enumerate(re.split(r"```\n?(.*?)\n?```", (b.get("text") or {}).get("text", ""),
                                                  flags=re.S)):
                    if not part.strip():
                        continue
                    if i % 2:
                        c.code(_slack_text(part).split("\n"), x, inner, "#f8f8f8", "#1d1c1d", 11)
                    else:
                        c.text(_slack_text(part.strip("\n")), x, ("sans", 14), "#1d1c1d", inner)
                fields = b.get("fields") or []
                for pair in (fields[i:i + 2] for i in range(0, len(fields), 2)):  # two columns, as Slack does
                    top_of_row, bottom = c.y, c.y
                    for i, f in enumerate(pair):
                        c.y = top_of_row
                        c.text(_slack_text(f["text"]), x + i * inner // 2, ("sans", 13), "#1d1c1d", inner // 2 - 12)
                        bottom = max(bottom, c.y)
                    c.y = bottom
            elif b["type"] == "context":
                for el in b.get("elements") or []:
                    c.text(_slack_text(el.get("text", "")), x, ("sans", 11), "#616061", inner)
            elif b["type"] == "divider":
                c.draw.line((x, c.y + 4, x + inner, c.y + 4), fill="#dddddd")
                c.y += 12
        c.y += 12
    for f in files:
        c.text("racebot  APP", x, ("bold", 15), "#1d1c1d", inner)
        c.text(f.get("title") or "", x, ("sans", 12), "#616061", inner)
        c.picture(f["data"], x, min(inner, 700))
    return c.done()
