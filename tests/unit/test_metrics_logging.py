"""JSON-lines logs: one object per line with the same keys everywhere, the article id, stage and partition from
the work in hand, and a config Faust's worker can take."""

from __future__ import annotations

import asyncio
import io
import logging
import logging.config

import orjson
import pytest

from streams import logs


@pytest.fixture
def captured() -> io.StringIO:
    """A logger that writes through the JSON formatter and the context filter into a string."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    handler.addFilter(logs.ContextFilter())
    logger = logging.getLogger("test.dyadwatch.logs")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    return stream


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [orjson.loads(line) for line in stream.getvalue().splitlines()]


def test_every_line_is_json_with_the_context_fields(captured: io.StringIO) -> None:
    log = logging.getLogger("test.dyadwatch.logs")
    log.info("outside any work")
    with logs.context(article_id="wire-17", stage="clean", partition=3):
        log.warning("dead-lettering %s", "wire-17")
        with logs.context(stage="relate"):  # a nested block keeps what it does not change
            log.info("related")
    log.info("after")
    first, inside, nested, after = lines(captured)
    for line in (first, inside, nested, after):
        assert set(line) >= {"ts", "level", "logger", "message", "article_id", "stage", "partition"}
    assert first["article_id"] is None and first["stage"] is None and first["partition"] is None
    assert inside == {**inside, "level": "warning", "message": "dead-lettering wire-17", "article_id": "wire-17",
                      "stage": "clean", "partition": 3}
    assert nested["stage"] == "relate" and nested["article_id"] == "wire-17" and nested["partition"] == 3
    assert after["article_id"] is None


def test_extra_fields_win_over_the_context(captured: io.StringIO) -> None:
    with logs.context(article_id="a", stage="detect", partition=0):
        logging.getLogger("test.dyadwatch.logs").info("x", extra={"article_id": "b"})
    (line,) = lines(captured)
    assert line["article_id"] == "b" and line["stage"] == "detect"


def test_an_exception_stays_on_one_line(captured: io.StringIO) -> None:
    try:
        raise ValueError("bad\nstate")
    except ValueError:
        logging.getLogger("test.dyadwatch.logs").exception("relate failed")
    assert len(captured.getvalue().splitlines()) == 1
    (line,) = lines(captured)
    assert "ValueError: bad\nstate" in str(line["exc"])


async def test_each_task_has_its_own_context(captured: io.StringIO) -> None:
    """Two agents are two asyncio tasks: neither may tag the other's lines."""
    log = logging.getLogger("test.dyadwatch.logs")
    both_inside = asyncio.Event()
    arrived = 0

    async def agent(stage: str, article_id: str) -> None:
        nonlocal arrived
        with logs.context(article_id=article_id, stage=stage, partition=1):
            arrived += 1
            if arrived == 2:
                both_inside.set()
            await both_inside.wait()  # both contexts are set before either logs
            log.info("working")

    await asyncio.gather(agent("clean", "c-1"), agent("detect", "d-1"))
    by_stage = {line["stage"]: line["article_id"] for line in lines(captured)}
    assert by_stage == {"clean": "c-1", "detect": "d-1"}


def test_the_format_comes_from_the_environment() -> None:
    assert logs.log_format({}) == "text"
    assert logs.log_format({"DYADWATCH_LOG_FORMAT": "JSON"}) == "json"
    with pytest.raises(ValueError, match="DYADWATCH_LOG_FORMAT"):
        logs.log_format({"DYADWATCH_LOG_FORMAT": "xml"})


def test_worker_logging_config_is_none_for_text_and_writes_json_lines_otherwise(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert logs.logging_config("info", "text") is None
    config = logs.logging_config("info", "json")
    assert config is not None
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    try:
        logging.config.dictConfig(config)  # what Faust's worker does with logging_config=
        with logs.context(article_id="x-1", stage="clean", partition=2):
            logging.getLogger("faust.transport").info("fetching")
        logging.getLogger("aiokafka").debug("below the level")
        for handler in root.handlers:
            handler.flush()
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
    out = [orjson.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert out == [{**out[0], "logger": "faust.transport", "message": "fetching", "article_id": "x-1",
                    "stage": "clean", "partition": 2}]


def test_worker_options_silence_faust_console_output_only_for_json() -> None:
    assert logs.worker_options("warning", "text") == {"loglevel": "warning"}
    options = logs.worker_options("warning", "json")
    assert options["quiet"] is True and options["loglevel"] == "warning"
    assert options["logging_config"]["root"]["level"] == logging.WARNING
