"""Atom feeds (RFC 4287): one writer for every feed the service publishes (the funding calls
to announce, the news). Feed readers and the website subscribe to them; ids are stable, so a
reader shows a changed entry as updated, not as new."""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from fastapi import Request
from starlette.responses import Response

from urbandiplo.api.http import json_response
from urbandiplo.api.problems import problem_responses
from urbandiplo.domain.access import ANONYMOUS, Principal

ATOM = "application/atom+xml; charset=utf-8"
NS = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # an empty feed was never updated
MAX_ENTRIES = 500  # a feed is read whole; its filters narrow it

ET.register_namespace("", NS)  # Atom as the default namespace: <feed xmlns="...">

# XML 1.0 forbids these characters even escaped; a feed must parse whatever was stored.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class Category:
    term: str
    label: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    id: uuid.UUID  # the record's: the entry keeps it across edits
    title: str
    updated: datetime
    link: str | None = None
    published: datetime | None = None
    summary: str | None = None  # plain text
    content_html: str | None = None  # already safe HTML (rendered and sanitised by us)
    authors: tuple[str, ...] = ()
    categories: tuple[Category, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Feed:
    title: str
    lang: str
    author: str  # the feed's, for entries without their own
    entries: Sequence[Entry] = field(default_factory=tuple)
    subtitle: str | None = None


def publisher(lang: str, home_city: str) -> str:
    """Who publishes the service's feeds: the home city."""
    return f"Stadt {home_city}" if lang == "de" else f"City of {home_city}"


def _text(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{NS}}}{tag}", attributes)
    element.text = _NOT_XML.sub("", text)
    return element


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _person(parent: ET.Element, tag: str, name: str) -> None:
    _text(ET.SubElement(parent, f"{{{NS}}}{tag}"), "name", name)


def feed_id(request: Request) -> uuid.UUID:
    """The same feed (path and filters, in any order) keeps its id, whichever host serves it."""
    query = "&".join(sorted(f"{k}={v}" for k, v in request.query_params.multi_items()))
    return uuid.uuid5(uuid.NAMESPACE_URL, f"urbandiplo:{request.url.path}?{query}")


def atom_of(feed: Feed, request: Request) -> bytes:
    """The feed document; `request` gives its own address (rel=self) and its id."""
    root = ET.Element(f"{{{NS}}}feed", {XML_LANG: feed.lang})
    _text(root, "id", feed_id(request).urn)
    _text(root, "title", feed.title)
    if feed.subtitle:
        _text(root, "subtitle", feed.subtitle)
    updated = max((e.updated for e in feed.entries), default=EPOCH)
    _text(root, "updated", _instant(updated))
    ET.SubElement(root, f"{{{NS}}}link", {"rel": "self", "href": str(request.url)})
    _person(root, "author", feed.author)
    _text(root, "generator", "urbandiplo")
    for item in feed.entries:
        entry = ET.SubElement(root, f"{{{NS}}}entry")
        _text(entry, "id", item.id.urn)
        _text(entry, "title", item.title)
        _text(entry, "updated", _instant(item.updated))
        if item.published is not None:
            _text(entry, "published", _instant(item.published))
        for name in item.authors:
            _person(entry, "author", name)
        if item.link:
            ET.SubElement(entry, f"{{{NS}}}link", {"rel": "alternate", "href": item.link})
        for category in item.categories:
            attributes = {"term": category.term}
            if category.label:
                attributes["label"] = category.label
            ET.SubElement(entry, f"{{{NS}}}category", attributes)
        if item.summary:
            _text(entry, "summary", item.summary, type="text")
        if item.content_html:
            _text(entry, "content", item.content_html, type="html")
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body


def atom_response(feed: Feed, request: Request, principal: Principal = ANONYMOUS) -> Response:
    """The feed with its ETag, or 304 when the caller holds it already. A public feed is the
    same for every caller (public records only); another is `principal`'s (private)."""
    return json_response(atom_of(feed, request), request, principal, media_type=ATOM)


def atom_responses(example: str) -> dict[int | str, dict[str, object]]:
    """The responses of a feed operation, for the contract."""
    return {
        200: {
            "description": "The feed",
            "content": {
                "application/atom+xml": {
                    "schema": {"type": "string", "maxLength": 50_000_000},
                    "example": example,
                }
            },
        },
        304: {"description": "Not modified"},
        **problem_responses(422),
    }
