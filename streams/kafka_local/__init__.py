"""A local single-node Apache Kafka broker for development, tests and the demo (no Docker needed)."""

from .broker import (
    DEFAULT_CONTROLLER_PORT,
    DEFAULT_PORT,
    BrokerStatus,
    default_data_dir,
    ensure_broker,
    start,
    status,
    stop,
)
from .jars import KafkaLocalError, ensure_jars, kafka_version

__all__ = [
    "DEFAULT_CONTROLLER_PORT",
    "DEFAULT_PORT",
    "BrokerStatus",
    "KafkaLocalError",
    "default_data_dir",
    "ensure_broker",
    "ensure_jars",
    "kafka_version",
    "start",
    "status",
    "stop",
]
