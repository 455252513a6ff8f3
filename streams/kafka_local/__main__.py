"""`python -m streams.kafka_local start|stop|status|fetch`: the same commands as `dyadwatch kafka`."""

from .cli import kafka_group

if __name__ == "__main__":
    kafka_group(prog_name="python -m streams.kafka_local")
