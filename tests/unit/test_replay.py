"""`replay`: the offline twin of the stream, over archives written for these tests."""

from pathlib import Path

from click.testing import CliRunner

from streams.cli import main
from streams.models import RelationshipAlert

ARTICLES = Path(__file__).resolve().parents[1] / "fixtures" / "articles"


def archive(tmp_path: Path, *parts: Path) -> Path:
    lines = []
    for part in parts:
        lines.extend(line for line in part.read_text().splitlines() if line.strip())
    path = tmp_path / "archive.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def replayed(path: Path) -> list[RelationshipAlert]:
    result = CliRunner().invoke(main, ["replay", str(path)])
    assert result.exit_code == 0, result.output
    return [RelationshipAlert.model_validate_json(line) for line in result.stdout.splitlines() if line.startswith("{")]


def test_after_warm_coverage_the_birthday_article_cools_china_and_north_korea(tmp_path: Path) -> None:
    # The archive is given out of order: replay sorts by event time.
    path = archive(tmp_path, ARTICLES / "kim_putin_birthday.json", ARTICLES / "chn_prk_warm_history.jsonl")
    alerts = replayed(path)
    cooling = [a for a in alerts if a.pair == "CHN-PRK" and a.kind == "cooling"]
    assert cooling, f"no CHN-PRK cooling alert in {[(a.pair, a.kind) for a in alerts]}"
    assert cooling[0].baseline > 2 > cooling[0].current
    assert cooling[0].evidence[0].article_id == "fixture-kim-birthday-2024"
    assert ("PRK-RUS", "warming") in {(a.pair, a.kind) for a in alerts}


def test_the_warm_history_alone_alerts_nothing(tmp_path: Path) -> None:
    assert replayed(archive(tmp_path, ARTICLES / "chn_prk_warm_history.jsonl")) == []


def test_the_demo_timeline_alerts_its_thaw_and_its_falling_out_and_nothing_else() -> None:
    from streams.demo import CORPUS

    alerts = replayed(CORPUS)
    kinds = {(a.pair, a.kind) for a in alerts}
    assert ("JPN-KOR", "warming") in kinds
    assert ("CAN-IND", "cooling") in kinds or ("CAN-IND", "rupture") in kinds
    # Nothing for the steady pairs (France-Germany, Russia-Ukraine, United States-China).
    assert {a.pair for a in alerts} == {"JPN-KOR", "CAN-IND"}
    assert not any(a.pair == "JPN-KOR" and a.kind in ("cooling", "rupture") for a in alerts)
    assert not any(a.pair == "CAN-IND" and a.kind in ("warming", "rapprochement") for a in alerts)
    statistical = [a for a in alerts if a.trigger == "statistical"]
    assert [(a.pair, a.kind) for a in statistical] == [("CAN-IND", "cooling")]
    assert statistical[0].baseline > 0 > statistical[0].current
    assert len({a.alert_id for a in alerts}) == len(alerts)
