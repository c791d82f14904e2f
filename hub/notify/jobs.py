"""Periodic jobs of hub.notify, run by the scheduler leader (and safe in several processes).

- `webhooks`: fill the outbox from new hand-off events and send what is due;
- `reminders`: send the reminders and escalations owed today (at start, then every
  HUB_REMINDERS_INTERVAL_SECONDS; the unique key makes reruns harmless);
- `robots`: post reminders and escalations to the group robots (企业微信, 钉钉);
- `mail`: mail office notifications when HUB_SMTP_HOST is set;
- `purge_delivered_webhooks`: hourly, delete pushes delivered more than
  HUB_WEBHOOK_RETENTION_DAYS ago (the outbox would otherwise grow with every hand-off event).
"""

from __future__ import annotations

from datetime import date, datetime

from hub.container import Hub
from hub.db.types import utcnow
from hub.notify.dispatch import Dispatcher
from hub.notify.mail import send_pending
from hub.notify.reminders import RunReport, run_reminders
from hub.notify.robots import send_due as send_robot_messages
from hub.notify.webhooks import purge_delivered
from hub.pipeline.sweeper import purge_old
from hub.scheduler_types import Job
from hub.workdays import SHANGHAI, shanghai_today

MAIL_SECONDS = 10.0


def office_today(hub: Hub) -> date:
    pinned = hub.settings.reminders_today
    return date.fromisoformat(pinned) if pinned else shanghai_today()


def remind(hub: Hub) -> RunReport:
    return run_reminders(hub, office_today(hub), utcnow())


def jobs(hub: Hub) -> list[Job]:
    settings = hub.settings
    dispatcher = Dispatcher(hub)
    made = [
        Job("webhooks", dispatcher.tick, args={"seconds": settings.webhook_interval_seconds}),
        Job("reminders", lambda: remind(hub),
            args={"seconds": settings.reminders_interval_seconds,
                  "next_run_time": datetime.now(SHANGHAI)}),
        Job("robots", lambda: send_robot_messages(hub),
            args={"seconds": settings.webhook_interval_seconds}),
        Job("purge_delivered_webhooks",
            lambda: purge_old(hub, purge_delivered, "hub.notify.webhooks_purged",
                              days=settings.webhook_retention_days), args={"hours": 1}),
    ]
    if settings.smtp_host:
        made.append(Job("mail", lambda: send_pending(hub), args={"seconds": MAIL_SECONDS}))
    return made
