"""Alert delivery: a JSON POST to a webhook and an e-mail through an SMTP server, both optional.

Each alert has a delivery row per configured channel (store/live.py). A failed attempt keeps it pending with
the error: it is tried again (a few times within the round, then at every later round) until it is sent, so an
alert is never lost, and one sent is never sent again.
"""

from __future__ import annotations

import json
import os
import smtplib
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from email.message import EmailMessage

from analysis import settings
from analysis.alerts.config import AlertConfig, Email, Webhook
from analysis.errors import DeliveryError
from analysis.store import Store
from analysis.store.live import AlertRecord

TIMEOUT_S = 15.0


def post_webhook(hook: Webhook, alert: AlertRecord, *, user_agent: str) -> None:
    """POST the alert as JSON; DeliveryError unless the receiver answers 2xx."""
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": user_agent}
    if hook.token_env:
        token = os.environ.get(hook.token_env)
        if not token:
            raise DeliveryError(f"webhook: ${hook.token_env} is not set")
        headers["Authorization"] = f"Bearer {token}"
    body = json.dumps(alert.as_dict(), ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(hook.url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as answer:
            if not 200 <= answer.status < 300:
                raise DeliveryError(f"webhook {hook.url}: HTTP {answer.status}")
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"webhook {hook.url}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise DeliveryError(f"webhook {hook.url}: {getattr(exc, 'reason', exc)}") from None


def send_email(mail: Email, alert: AlertRecord) -> None:
    """One e-mail per alert through the configured SMTP server; DeliveryError when it is refused."""
    message = EmailMessage()
    message["Subject"] = f"[Narrative Tone] {alert.ticker}: {alert.message}"[:200]
    message["From"] = mail.sender
    message["To"] = ", ".join(mail.to)
    lines = [alert.message, "", f"Period: {alert.period_start} .. {alert.period_end}", f"Rule: {alert.rule}"]
    lines += [f"{key}: {value}" for key, value in alert.figures.items()]
    lines += ["", "Articles:"] + [f"  {article_id}" for article_id in alert.article_ids]
    message.set_content("\n".join(lines))
    try:
        with smtplib.SMTP(mail.host, mail.port, timeout=TIMEOUT_S) as smtp:
            if mail.starttls:
                smtp.starttls()
            if mail.username:
                password = os.environ.get(mail.password_env or "", "")
                if not password:
                    raise DeliveryError(f"e-mail: ${mail.password_env or 'password_env'} is not set")
                smtp.login(mail.username, password)
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"e-mail via {mail.host}:{mail.port}: {exc}") from None


def deliver_pending(
    store: Store, config: AlertConfig, *, sleep: Callable[[float], None] = time.sleep
) -> dict:
    """Try every pending delivery (retried with backoff within the round); what was sent and what failed."""
    tuning = settings.current()
    senders: dict[str, Callable[[AlertRecord], None]] = {}
    if config.webhook:
        hook = config.webhook
        senders["webhook"] = lambda alert: post_webhook(hook, alert, user_agent=tuning.user_agent)
    if config.email:
        mail = config.email
        senders["email"] = lambda alert: send_email(mail, alert)
    sent, failed = 0, []
    for channel, alert in store.live.pending_deliveries(list(senders)):
        assert alert.alert_id is not None
        for attempt in range(tuning.delivery_retries + 1):
            try:
                senders[channel](alert)
            except DeliveryError as exc:
                store.live.mark_delivery(alert.alert_id, channel, error=str(exc))
                if attempt == tuning.delivery_retries:
                    failed.append(f"alert {alert.alert_id} by {channel}: {exc} (kept; retried next round)")
                else:
                    sleep(tuning.fetch_backoff_s * 2**attempt)
                continue
            store.live.mark_delivery(alert.alert_id, channel, error=None)
            sent += 1
            break
    return {"delivered": sent, "delivery_failures": failed}
