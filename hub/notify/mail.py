"""E-mail for office notifications through an SMTP server (off unless HUB_SMTP_HOST is set).

Notifications are the outbox: each is claimed (`emailed` set) before it is mailed, so two
senders never mail one twice; a recipient the server refuses is logged, not retried; while the server is away the
mails wait.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from hub import log
from hub.container import Hub
from hub.notify import repository
from hub.notify.models import Notification
from hub.settings import Settings

BATCH = 100


def message(settings: Settings, to: str, title: str, body: str, link: str | None) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = settings.smtp_from
    mail["To"] = to
    mail["Subject"] = f"【{settings.office_name}】{title}"
    text = body + (f"\n\n查看：{settings.public_url.rstrip('/')}{link}" if link else "")
    mail.set_content(text + "\n\n（问题线索共享协作平台自动发送，请勿回复）\n")
    return mail


def _claim(hub: Hub) -> list[tuple[Notification, str]]:
    with hub.uow() as uow:
        rows = repository.unmailed(uow.session, BATCH)
        claimed = []
        for notification, email in rows:
            if repository.take_for_mail(uow.session, notification.id):
                claimed.append((notification, email))
        uow.commit()
    return claimed


def send_pending(hub: Hub) -> int:
    """Mail every notification not yet mailed to a user with an address; the number sent."""
    settings = hub.settings
    if not settings.smtp_host:
        return 0
    claimed = _claim(hub)
    if not claimed:
        return 0
    sent: list[int] = []
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port,
                          timeout=settings.smtp_timeout_seconds) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password or "")
            for notification, email in claimed:
                try:
                    smtp.send_message(message(settings, email, notification.title,
                                              notification.body, notification.link))
                except smtplib.SMTPRecipientsRefused as exc:
                    log.warning("hub.notify.mail_refused", notification=notification.id,
                                error=type(exc).__name__)
                sent.append(notification.id)
    except (OSError, smtplib.SMTPException) as exc:
        # The server is away: what was not handed over is mailed on a later tick.
        log.warning("hub.notify.smtp_unavailable", error=type(exc).__name__)
        _release(hub, [n.id for n, _ in claimed if n.id not in sent])
    log.event("hub.notify.mailed", count=len(sent))
    return len(sent)


def _release(hub: Hub, ids: list[int]) -> None:
    if not ids:
        return
    with hub.uow() as uow:
        repository.release_for_mail(uow.session, ids)
        uow.commit()
