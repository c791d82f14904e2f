"""Every setting the hub reads, in one place (environment variables prefixed HUB_)."""

from __future__ import annotations

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
    # Subject units matched approximately below this score (0–100) stay unresolved for review.
    directory_match_threshold: float = 85.0
    # Clues about the same problem are clustered when reported within this many days.
    correlate_window_days: int = 180

    max_body_bytes: int = 1024 * 1024
    batch_max_items: int = 500
    clock_skew_seconds: int = 300

    worker_batch_size: int = 200
    worker_threads: int = 1
    task_stuck_seconds: float = 60.0
    task_unclaimed_seconds: float = 15.0
    task_max_attempts: int = 5
    sweep_interval_seconds: float = 5.0

    # How long an API key's record is trusted before it is read again (revocation delay).
    api_key_cache_seconds: float = 2.0
    # Per-agency token bucket, in each API process (hub/agencies/ratelimit.py); 0 = no limit.
    rate_limit_per_second: float = 50.0
    rate_limit_burst: int = 200
    # Outside development the hub refuses these in HUB_DATABASE_URL / HUB_BROKER_URL.
    default_passwords: tuple[str, ...] = ("guest", "postgres", "password", "changeme", "hub",
                                          "admin", "123456")
    log_level: str = "INFO"

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
