"""The process that delivers webhooks: `urbandiplo webhooks deliver`.

It sends each subscription the changes after its position, one POST per change, in order,
signed, and moves the position on only when the receiver took the change. Stopped or killed
at any moment, it loses nothing: the positions are in the database, and a restart carries on
from them (a change whose answer was lost is sent again: at least once)."""

from __future__ import annotations

import logging
import signal
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from urbandiplo.api.changes import render
from urbandiplo.api.deps import Services
from urbandiplo.api.rendering import dumps
from urbandiplo.domain.records import utcnow
from urbandiplo.domain.webhooks import WebhookSubscription, sign

log = logging.getLogger("urbandiplo.webhooks")
PAGE = 50
TIMEOUT_SECONDS = 10.0

# (subscription, change number, body) -> (HTTP status or None, error or None)
Send = Callable[[WebhookSubscription, int, bytes], tuple[int | None, str | None]]


def post(subscription: WebhookSubscription, seq: int, body: bytes) -> tuple[int | None, str | None]:
    timestamp = int(time.time())
    request = urllib.request.Request(  # noqa: S310 - an admin-configured http(s) URL
        subscription.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "urbandiplo-webhooks",
            "Webhook-Id": f"{subscription.id}:{seq}",
            "Webhook-Timestamp": str(timestamp),
            "Webhook-Signature": f"v1={sign(subscription.secret, timestamp, body)}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.status, None
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code}"
    except (urllib.error.URLError, OSError) as error:
        return None, type(error).__name__


def deliver_once(services: Services, send: Send = post) -> int:
    """One round over the due subscriptions; how many changes were delivered."""
    delivered = 0
    for subscription in services.webhooks.due(utcnow()):
        principal = subscription.principal()
        wanted = set(subscription.record_types)
        while True:
            items, next_since = services.changes.since(principal, subscription.position, PAGE)
            if not items:
                break
            for item in items:
                seq = item.change.seq
                if wanted and item.change.record_type not in wanted:
                    continue
                body = dumps(render([item], principal)[0])
                status, error = send(subscription, seq, body)
                if status is not None and 200 <= status < 300:
                    services.webhooks.delivered(subscription, seq, status)
                    subscription = replace(subscription, position=seq, attempts=0)
                    delivered += 1
                else:
                    services.webhooks.failed(subscription, seq, status, error or "no answer")
                    log.warning("webhook %s: change %d not taken (%s)", subscription.id, seq, error)
                    break
            else:
                if subscription.position < next_since:  # the rest were other record types
                    services.webhooks.skipped(subscription, next_since)
                    subscription = replace(subscription, position=next_since)
                continue
            break
    return delivered


def run(services: Services, interval: float = 1.0, stop: threading.Event | None = None) -> None:
    """Deliver until stopped (SIGTERM or SIGINT end the loop after the current round)."""
    repeat(lambda: deliver_once(services), "webhook delivery", interval, stop)


def repeat(
    round_: Callable[[], Any], name: str, interval: float, stop: threading.Event | None = None
) -> None:
    """Run `round_` every `interval` seconds until stopped (SIGTERM or SIGINT end the loop
    after the current round); a failed round (the database away for a moment) is logged
    and the next one tried."""
    stop = stop or threading.Event()

    def finish(*_: Any) -> None:
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, finish)
        signal.signal(signal.SIGINT, finish)
    while not stop.is_set():
        try:
            round_()
        except Exception:  # the database away for a moment: try again next round
            log.exception("%s round failed", name)
        stop.wait(interval)
