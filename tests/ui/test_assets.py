"""The page's stylesheet: semibold text in the theme's own font."""

from __future__ import annotations

import re
import string
from pathlib import Path

import gradio
from fontTools.ttLib import TTFont

from ui.assets import CSS

_FACE = re.compile(r"@font-face\s*{([^}]*)}")


def _faces() -> list[dict[str, str]]:
    faces = []
    for body in _FACE.findall(CSS):
        fields = dict(re.findall(r"([\w-]+)\s*:\s*([^;]+);", body))
        faces.append({k: v.strip() for k, v in fields.items()})
    return faces


def test_semibold_text_comes_from_a_font_file_that_holds_every_latin_letter() -> None:
    (face,) = [f for f in _faces() if f.get("font-weight") == "600"]
    # The theme the chat uses (create_app sets none); its font is a CSS list, its own font first.
    theme_font = gradio.themes.Default().font.split(",")[0]
    assert face["font-family"].strip("'\"") == theme_font.strip(" '\"")
    url = re.search(r"url\('([^']+)'\)", face["src"])
    assert url is not None
    file = Path(gradio.__file__).parent / "templates" / "frontend" / url.group(1)
    assert file.is_file(), f"{url.group(1)} is not served by this Gradio"
    letters = set(TTFont(file).getBestCmap())
    assert {ord(c) for c in string.ascii_letters + string.digits} <= letters
