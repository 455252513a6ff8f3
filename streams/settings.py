"""Configuration, from the environment (prefix DYADWATCH_) or a .env file. Defaults run everything on loopback."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DYADWATCH_", env_file=".env", extra="ignore")

    kafka_bootstrap: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DYADWATCH_KAFKA_BOOTSTRAP", "KAFKA_BOOTSTRAP"),
        description="host:port[,host:port]; unset means the local broker that `dyadwatch kafka start` runs",
    )
    app_id: str = Field(default="dyadwatch", description="Faust app id: consumer group and changelog prefix")
    topic_prefix: str = Field(default="", description="prepended to every topic name (tests, multi-tenancy)")
    topic_partitions: int = Field(default=4, ge=1)
    topic_replicas: int = Field(default=1, ge=1)
    create_topics: bool = Field(
        default=True,
        description="the worker creates the topics it needs at start; false where operators provision them (then "
        "it only checks them)",
    )
    store: str = Field(default="memory://", description="table store: memory:// or rocksdb://")
    data_dir: str = Field(default=".dyadwatch/worker", description="worker data (rocksdb tables)")
    web_host: str = Field(default="127.0.0.1", description="where the HTTP views bind")
    web_port: int = Field(default=6066, ge=0, le=65535)
    commit_interval_s: float = Field(default=1.0, gt=0)
    session_timeout_s: float = Field(
        default=15.0, gt=0, description="a worker silent this long loses its partitions (Faust's default is 60 s)"
    )
    max_message_bytes: int = Field(
        default=1_000_000, gt=0, description="largest record the worker sends; larger outputs are dead-lettered"
    )
    processing_guarantee: Literal["at_least_once", "exactly_once"] = "at_least_once"
    raw_transactional: bool = Field(
        default=False,
        description="articles.raw is written in Kafka transactions (its offsets then include markers, so a hole in "
        "them is not necessarily a dropped record)",
    )

    allowed_lateness_hours: float | None = Field(
        default=None, gt=0, description="event-time lateness the detector tolerates (unset: its 1 h default)"
    )
    max_body_bytes: int = Field(
        default=900_000, gt=0, description="larger articles are dead-lettered (below max_message_bytes)"
    )
    dedup_max_entries: int = Field(default=200_000, gt=0)
    dedup_ttl_days: float = Field(default=7.0, gt=0)

    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = "SCRAM-SHA-512"
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    ssl_cafile: str | None = None
    ssl_certfile: str | None = None
    ssl_keyfile: str | None = None

    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"

    def as_env(self) -> dict[str, str]:
        """The settings given explicitly, as the DYADWATCH_* variables that give them to a child worker."""
        env = {}
        for name in sorted(self.model_fields_set):
            value = getattr(self, name)
            if value is None:
                continue
            env[f"DYADWATCH_{name.upper()}"] = value.get_secret_value() if isinstance(value, SecretStr) else str(value)
        return env

    def public(self) -> dict[str, Any]:
        """The settings as they may be printed or logged: secrets masked."""
        shown = self.model_dump(mode="json")
        if self.sasl_password is not None:
            shown["sasl_password"] = "**********"
        return shown
