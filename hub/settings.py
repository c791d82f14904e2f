"""Every setting the hub reads, in one place (environment variables prefixed HUB_)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

VAR_DIR = Path("var")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HUB_", env_file=".env", extra="ignore")

    environment: str = Field("development", description="development | production")
    host: str = "127.0.0.1"
    port: int = 8000

    database_url: str = f"sqlite:///{VAR_DIR}/hub.db"
    broker_url: str = "memory://"
    # Names the exchange and queues, so several hubs (or test runs) can share one broker.
    queue_prefix: str = "hub"
    keyring_path: Path = VAR_DIR / "keyring.json"

    office_name: str = "十堰市委依法治市办"
    office_region: str = "420300"
    # Documents the office issues are numbered <prefix><letter>〔<year>〕<n>号, e.g. 十法督交〔2026〕12号.
    document_prefix: str = "十法督"
    # Subject units matched approximately below this score (0–100) stay unresolved for review.
    directory_match_threshold: float = 85.0
    # Clues about the same problem are clustered when reported within this many days.
    correlate_window_days: int = 180

    max_body_bytes: int = 1024 * 1024
    batch_max_items: int = 500
    # Containers nested in one JSON body, counted from the body itself. orjson writes back
    # only 254 levels; anything accepted must fit inside every answer that embeds it.
    max_json_depth: int = 64
    clock_skew_seconds: int = 300
    # Group commit of single pushes: a push that finds others still being read in its process
    # waits up to this long for them before its group is written, so that one transaction
    # records many (those checked while a group is written join the next one anyway). A lone
    # client is written at once.
    intake_gather_ms: float = 3.0
    # A served API process (and `hub run`) publishes queue wake-ups once no task was woken
    # for this long (at most `queue_wake_coalesce_max_ms` after the first), one message per
    # stage naming every task committed meanwhile, so that workers get batches of many rather
    # than one per push; 0 publishes each at its commit (hub/queue/bus.py).
    queue_wake_coalesce_ms: float = 50.0
    queue_wake_coalesce_max_ms: float = 250.0
    # `hub api --processes N`: a keep-alive connection is closed after this many answers, so
    # that connections are placed again and the processes share the load (0: never).
    api_keepalive_max_requests: int = 25

    # Clues a worker handles as one unit (one claim, one plan, one store): as many as a full
    # batch push (`batch_max_items`). A unit's reads are shared by its clues, so a bigger one
    # costs less per clue: 200 → 500 took 10-19 % off the CPU per clue of batch pushes
    # (docs/performance.md).
    worker_batch_size: int = 500
    # A worker woken for fewer than `worker_batch_size` tasks gathers more wake-ups until none
    # came for `worker_collect_ms`, at most `worker_collect_max_ms` after the first, so that
    # a trickle of single pushes is handled in batches of many and a lone clue waits only the
    # first (hub/pipeline/worker.py).
    worker_collect_ms: float = 300.0
    worker_collect_max_ms: float = 1000.0
    worker_threads: int = 1
    # The hub in one process (`hub run`, the embedded default) reads and computes the
    # pipeline's batches in a second process while it stores the one before, so that it uses
    # two cores (hub/pipeline/offload.py). None: when the machine has two or more. `hub worker`
    # never does: run as many of those as there are cores.
    worker_compute_process: bool | None = None
    # `hub worker` and `hub scheduler` run at this nice value at least, set at start when
    # they were started higher (0: as started, like `hub api`): where they share cores with
    # `hub api`, the partners' pushes are answered first under load and the pipeline catches
    # up in the gaps (deploy/systemd sets it with `Nice=` instead). Single pushes beside 2
    # workers, six pairs alternated: requests/s 83 → 88 % of the bare endpoint's on average,
    # p99 1.25 → 1.12 × its p99, the worst 1.49 → 1.18 × (docs/performance.md). `hub run` is
    # one process: nothing changes there.
    background_nice: int = Field(10, ge=0, le=19)
    task_stuck_seconds: float = 60.0
    task_unclaimed_seconds: float = 15.0
    task_max_attempts: int = 5
    # Done tasks and connector runs that read nothing are deleted after this many days.
    housekeeping_retention_days: float = 7.0
    sweep_interval_seconds: float = 5.0

    # Hand-off deadlines in working days (Shandong's rule: reply in 5, complete in 10);
    # per kind as JSON, e.g. HUB_HANDOFF_KIND_DAYS='{"refer": [5, 30]}'; 0 means none.
    handoff_reply_days: int = 5
    handoff_complete_days: int = 10
    handoff_kind_days: dict[str, list[int]] = Field(default_factory=lambda: {"cc": [0, 0]})
    handoff_attachment_max_bytes: int = 10 * 1024 * 1024
    # Decisions a reviewer (科员) only proposes: a section head (科长) or leader approves or
    # sends them back (SPEC §3). JSON, e.g. HUB_DECISION_APPROVAL_KINDS='["refer"]'.
    decision_approval_kinds: list[str] = Field(default_factory=lambda: ["refer", "decline"])
    # The bytes of one attachment of a clue (partners' uploads, the office's registrations).
    clue_attachment_max_bytes: int = 20 * 1024 * 1024

    # How long an API key's record is trusted before it is read again (revocation delay).
    api_key_cache_seconds: float = 2.0
    # Per-agency token bucket, in each API process (hub/agencies/ratelimit.py); 0 = no limit.
    rate_limit_per_second: float = 50.0
    rate_limit_burst: int = 200
    # Outside development the hub refuses these in HUB_DATABASE_URL / HUB_BROKER_URL.
    default_passwords: tuple[str, ...] = ("guest", "postgres", "password", "changeme", "hub",
                                          "admin", "123456")
    log_level: str = "INFO"

    # Webhooks to agencies (hub.notify): short timeouts, several at once, exponential back-off
    # (backoff × 2^(attempt-1), at most backoff_max) and `failed` after the last attempt.
    webhook_timeout_seconds: float = 5.0
    webhook_max_attempts: int = 8
    webhook_backoff_seconds: float = 10.0
    webhook_backoff_max_seconds: float = 3600.0
    webhook_concurrency: int = 8
    webhook_interval_seconds: float = 2.0
    # A delivery claimed this long ago by a dispatcher that died (a scheduler killed mid-send)
    # is sent again. Keep it well above the longest claim batch (100 posts, concurrency, timeout).
    webhook_claim_seconds: float = 120.0
    # Delivered pushes (and their attempts) are deleted this long after delivery; failed ones
    # stay until retried. The hand-off's own events are the lasting record.
    webhook_retention_days: float = 30.0
    # Reminders (催办) and escalation (督办) to the section heads past this many overdue days.
    escalate_after_overdue_days: int = 3
    # The second step of the ladder: a leader (领导介入) past this many overdue working days.
    escalate_leader_after_overdue_days: int = 10
    reminders_interval_seconds: float = 600.0
    # Pins the office date the reminders job counts from (YYYY-MM-DD; demos and tests only).
    reminders_today: str | None = None
    # E-mail for office notifications; off unless a host is set.
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "hub@localhost"
    smtp_starttls: bool = False
    smtp_timeout_seconds: float = 10.0
    # Where office users reach the pages (links in e-mails).
    public_url: str = "http://127.0.0.1:8000"
    # 回头看: months after closing, per kind of the closing hand-off (assign = rectification);
    # a kind not named gets no follow-up unless the office sets a date at closing.
    followup_months: dict[str, int] = Field(default_factory=lambda: {"assign": 3})
    # Personal data and the audit trail (hub.audit, hub.privacy).
    audit_sign_seconds: int = 30  # the chain head is signed this soon after an append (≤ 60)
    reveal_valid_hours: int = 24  # an approved reveal request lets its requester see this long
    retention_days: int = 1825  # raw records and reporter data purged after this (5 years)
    # Per-channel overrides, e.g. HUB_RETENTION_CHANNEL_DAYS='{"hotline": 730}'
    retention_channel_days: dict[str, int] = Field(default_factory=dict)
    retention_batch: int = 500

    @property
    def compute_process_in_run(self) -> bool:
        """Whether `hub run` uses a second process for the pipeline's pure steps."""
        if self.worker_compute_process is not None:
            return self.worker_compute_process
        return (os.cpu_count() or 1) >= 2

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def office_region_prefix(self) -> str:
        return self.office_region.rstrip("0")[:4] or self.office_region

    @model_validator(mode="after")
    def _refuse_development_defaults_in_production(self) -> Settings:
        if self.environment != "development" and self.is_sqlite and ":memory:" in self.database_url:
            raise ValueError("production cannot run on an in-memory database")
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()


def reset_settings_cache() -> None:
    """Tests and the CLI change HUB_* variables; forget the cached settings."""
    get_settings.cache_clear()
