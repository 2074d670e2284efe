"""Markdown to HTML for texts the public reads (news bodies): CommonMark with tables and
strike-through. Raw HTML in the source is shown as text, never passed through, and links
to `javascript:`, `vbscript:`, `file:` and non-image `data:` URLs are not made links, so
what anyone writes cannot run in a reader's browser."""

from __future__ import annotations

from markdown_it import MarkdownIt

from urbandiplo.domain.values import I18nText

_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def to_html(text: str) -> str:
    html: str = _MARKDOWN.render(text)
    return html


def rendered(texts: I18nText) -> I18nText:
    """Each language's text as HTML."""
    return I18nText({lang: to_html(text) for lang, text in texts.items()})
