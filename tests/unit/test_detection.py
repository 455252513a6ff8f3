"""Change detection: reported and statistical alerts, cool-down, event time, duplicates, determinism, state."""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import orjson
import pytest

from streams.domain.detection import DetectorConfig, PairState, advance, flush, observe
from streams.models import Evidence, RelationObservation, RelationshipAlert, Trend

CONFIG = DetectorConfig()
T0 = datetime(2024, 3, 1, tzinfo=UTC)
SOURCES = ("Harbor Ledger", "Northern Wire", "Continental Post", "Coastline Times")
_serial = iter(range(10**9))


def obs(
    pair: str,
    score: float,
    at: datetime,
    source: str | None = "Harbor Ledger",
    *,
    trend: Trend | None = None,
    confidence: float = 0.8,
    duplicate_of: str | None = None,
    article_id: str | None = None,
) -> RelationObservation:
    article = article_id or f"art-{next(_serial)}"
    first, second = pair.split("-")
    return RelationObservation(
        pair=pair,
        countries=(first, second),
        polarity="cooperation" if score > 0 else "conflict" if score < 0 else "neutral",
        score=score,
        quad=1 if score >= 0 else 3,
        trend=trend,
        confidence=confidence,
        evidence=[Evidence(sentence=f"An invented sentence about {pair} scored {score}.", cues=["invented"])],
        observation_id=f"{article}:{pair}",
        article_id=article,
        source=source,
        published_at=at,
        duplicate_of=duplicate_of,
    )


def feed(
    observations: Iterable[RelationObservation], config: DetectorConfig = CONFIG, *, finish: bool = True
) -> tuple[dict[str, PairState], list[RelationshipAlert]]:
    states: dict[str, PairState] = {}
    alerts: list[RelationshipAlert] = []
    for observation in observations:
        state, new = observe(states.get(observation.pair), observation, config)
        states[observation.pair] = state
        alerts.extend(new)
    if finish:
        for pair, state in states.items():
            states[pair], new = flush(state, config)
            alerts.extend(new)
    return states, alerts


def warm_history(pair: str = "CHN-PRK", start: datetime = T0, count: int = 12) -> list[RelationObservation]:
    """A dozen cooperative articles over four months, from four sources, scores +4..+6."""
    scores = [4.5, 5.0, 5.5, 4.0, 6.0, 5.0, 4.5, 5.5, 5.0, 4.0, 6.0, 5.0]
    return [
        obs(pair, scores[i % len(scores)], start + timedelta(days=10 * i), SOURCES[i % len(SOURCES)])
        for i in range(count)
    ]


def cool_run(pair: str = "CHN-PRK", start: datetime = T0 + timedelta(days=150), count: int = 6,
             sources: tuple[str, ...] = SOURCES) -> list[RelationObservation]:
    scores = [1.0, 0.5, 1.0, 0.0, 1.5, 1.0, 0.5, 1.0]
    return [
        obs(pair, scores[i % len(scores)], start + timedelta(days=2 * i), sources[i % len(sources)])
        for i in range(count)
    ]


def kinds(alerts: list[RelationshipAlert]) -> list[tuple[str, str, str]]:
    return [(a.pair, a.kind, a.trigger) for a in alerts]


# --- reported changes ---------------------------------------------------------------------------------------


def test_one_article_reporting_both_changes_alerts_both_pairs_at_once() -> None:
    at = datetime(2024, 10, 8, 9, tzinfo=UTC)
    warm = obs("PRK-RUS", 8.0, at, "Seoul Daily", trend="warming", confidence=0.9, article_id="seed")
    cool = obs("CHN-PRK", 1.5, at, "Seoul Daily", trend="cooling", confidence=0.8, article_id="seed")
    _, first = observe(None, warm, CONFIG)
    _, second = observe(None, cool, CONFIG)
    assert kinds(first + second) == [("PRK-RUS", "warming", "reported"), ("CHN-PRK", "cooling", "reported")]
    alert = second[0]
    assert alert.evidence[0].article_id == "seed"
    assert alert.evidence[0].sentences == ["An invented sentence about CHN-PRK scored 1.5."]
    assert alert.window_start == alert.window_end == at


def test_a_hedged_report_does_not_alert() -> None:
    _, alerts = feed([obs("FRA-DEU", 2.0, T0, trend="cooling", confidence=0.3)])
    assert alerts == []


def test_a_reported_change_is_announced_once_within_the_cool_down() -> None:
    reports = [obs("IND-PAK", -3.0, T0 + timedelta(days=d), SOURCES[d % 4], trend="cooling") for d in (0, 2, 5, 9)]
    _, alerts = feed(reports)
    assert kinds(alerts) == [("IND-PAK", "cooling", "reported")]
    later = obs("IND-PAK", -3.0, T0 + timedelta(days=30), trend="cooling")
    _, alerts = feed([*reports, later])
    assert len(alerts) == 2 and alerts[1].evidence[0].article_id == later.article_id


def test_a_reversal_lifts_the_cool_down() -> None:
    reports = [
        obs("IND-PAK", -3.0, T0, trend="cooling"),
        obs("IND-PAK", 3.0, T0 + timedelta(days=3), trend="warming"),
        obs("IND-PAK", -4.0, T0 + timedelta(days=6), trend="cooling"),
    ]
    _, alerts = feed(reports)
    assert [a.kind for a in alerts] == ["cooling", "warming", "cooling"]
    assert len({a.alert_id for a in alerts}) == 3


def test_a_rupture_escalates_past_a_cooling_but_not_the_reverse() -> None:
    reports = [
        obs("RUS-UKR", -3.0, T0, trend="cooling"),
        obs("RUS-UKR", -8.5, T0 + timedelta(days=2), trend="cooling"),
        obs("RUS-UKR", -4.0, T0 + timedelta(days=4), trend="cooling"),
    ]
    _, alerts = feed(reports)
    assert [(a.kind, a.severity) for a in alerts] == [("cooling", "medium"), ("rupture", "high")]


def test_restored_relations_are_a_rapprochement_only_after_a_hostile_history() -> None:
    hostile = [obs("ARM-AZE", -5.0, T0 + timedelta(days=7 * i), SOURCES[i % 4]) for i in range(6)]
    restored = obs("ARM-AZE", 6.0, T0 + timedelta(days=60), trend="warming", confidence=0.9)
    _, alerts = feed([*hostile, restored])
    assert [(a.kind, a.trigger, a.severity) for a in alerts] == [("rapprochement", "reported", "high")]
    assert alerts[0].baseline == pytest.approx(-5.0)
    _, alone = feed([obs("ARM-AZE", 6.0, T0, trend="warming", confidence=0.9)])
    assert [a.kind for a in alone] == ["warming"]


# --- statistical shifts ---------------------------------------------------------------------------------------


def test_cooler_coverage_after_a_warm_history_is_a_statistical_cooling() -> None:
    seed = obs("CHN-PRK", 1.5, T0 + timedelta(days=148), "Seoul Daily", trend="cooling", confidence=0.8)
    _, alerts = feed([*warm_history(), seed, *cool_run(count=8)])
    assert kinds(alerts) == [("CHN-PRK", "cooling", "reported"), ("CHN-PRK", "cooling", "statistical")]
    shift = alerts[1]
    assert shift.baseline == pytest.approx(5.0, abs=0.5)
    assert shift.current <= 1.5
    assert shift.severity in ("medium", "high")
    assert shift.window_start == seed.published_at
    assert len({e.source for e in shift.evidence}) >= 2
    assert len(shift.evidence) <= CONFIG.max_evidence


def test_the_shift_waits_for_enough_distinct_sources() -> None:
    one_outlet = cool_run(count=6, sources=("Harbor Ledger",))
    _, alerts = feed([*warm_history(), *one_outlet])
    assert alerts == []
    more = cool_run(start=T0 + timedelta(days=165), count=2, sources=("Northern Wire", "Coastline Times"))
    _, alerts = feed([*warm_history(), *one_outlet, *more])
    assert kinds(alerts) == [("CHN-PRK", "cooling", "statistical")]


def test_stationary_noise_raises_no_alert() -> None:
    rng = random.Random(11)
    history = [
        obs("BRA-ARG", round(2.0 + rng.gauss(0, 2.0) * 2) / 2, T0 + timedelta(hours=8 * i), rng.choice(SOURCES))
        for i in range(1500)
    ]
    _, alerts = feed(history)
    assert alerts == []


def test_relations_below_the_confidence_threshold_are_no_evidence() -> None:
    unsure = [o.model_copy(update={"confidence": CONFIG.min_confidence / 2}) for o in cool_run(count=8)]
    _, alerts = feed([*warm_history(), *unsure])
    assert alerts == []
    sure = [o.model_copy(update={"confidence": CONFIG.min_confidence}) for o in cool_run(count=8)]
    _, alerts = feed([*warm_history(), *sure])
    assert kinds(alerts) == [("CHN-PRK", "cooling", "statistical")]


def test_one_shift_gives_one_alert() -> None:
    _, alerts = feed([*warm_history(), *cool_run(count=8), *cool_run(start=T0 + timedelta(days=170), count=30)])
    assert kinds(alerts) == [("CHN-PRK", "cooling", "statistical")]


def test_a_statistical_alert_needs_a_history_to_compare_with() -> None:
    _, alerts = feed(cool_run(count=10))
    assert alerts == []


# --- duplicates, redelivery, event time -------------------------------------------------------------------------


def test_duplicates_are_not_independent_evidence() -> None:
    original = cool_run(count=1)[0]
    copies = [
        obs("CHN-PRK", original.score, original.published_at + timedelta(hours=3 * i), source,
            duplicate_of=original.article_id)
        for i, source in enumerate(SOURCES[1:] * 3, start=1)
    ]
    states, alerts = feed([*warm_history(), original, *copies])
    assert alerts == []
    state = states["CHN-PRK"]
    assert state.duplicates == len(copies)
    assert state.articles == len(warm_history()) + 1


def test_a_duplicate_report_of_a_change_does_not_alert_again() -> None:
    first = obs("IND-PAK", -3.0, T0, trend="cooling")
    copy = obs("IND-PAK", -3.0, T0 + timedelta(days=20), "Northern Wire", trend="cooling",
               duplicate_of=first.article_id)
    _, alerts = feed([first, copy])
    assert len(alerts) == 1


def test_a_redelivered_observation_changes_nothing() -> None:
    history = warm_history()
    once, alerts_once = feed(history)
    twice, alerts_twice = feed([history[0], *[o for h in history[1:] for o in (h, h)]])
    assert twice["CHN-PRK"] == once["CHN-PRK"]
    assert alerts_twice == alerts_once


def test_articles_within_the_lateness_are_put_back_in_event_time_order() -> None:
    history = warm_history()
    # make the last two articles 30 minutes apart so the swap stays within the allowed lateness
    close = history[-2].published_at + timedelta(minutes=30)
    history[-1] = history[-1].model_copy(update={"published_at": close})
    swapped = [*history[:-2], history[-1], history[-2]]
    ordered, _ = feed(history)
    shuffled, _ = feed(swapped)
    # everything but the redelivery memory, which is in arrival order by nature
    assert shuffled["CHN-PRK"].model_copy(update={"seen": ""}) == ordered["CHN-PRK"].model_copy(update={"seen": ""})
    assert shuffled["CHN-PRK"].late == 0


def test_a_very_late_article_updates_history_but_cannot_alert() -> None:
    # 105 days behind the pair's newest article: history, not news, even though it reports a change outright
    history = warm_history()
    late = obs("CHN-PRK", -2.0, T0 + timedelta(days=5), "Northern Wire", trend="cooling", confidence=0.95)
    states, alerts = feed([*history, late])
    assert alerts == []
    state = states["CHN-PRK"]
    assert state.late == 1
    before, _ = feed(history)
    assert state.baseline.mean < before["CHN-PRK"].baseline.mean


def test_a_late_article_that_reports_a_change_outright_still_announces_it_as_in_order() -> None:
    # A backlog delivers the "ties have cooled" article after a newer one closed its window: it still announces
    # the change, with the id event-time order gives, and its cool-down silences a repeat three days later.
    history = warm_history()
    newer = obs("CHN-PRK", 4.0, T0 + timedelta(days=112), "Coastline Times")
    report = obs("CHN-PRK", -2.0, T0 + timedelta(days=111), "Northern Wire", trend="cooling", confidence=0.95)
    repeat = obs("CHN-PRK", -2.5, T0 + timedelta(days=114), "Harbor Ledger", trend="cooling", confidence=0.95)
    states, late = feed([*history, newer, report, repeat])
    _, in_order = feed([*history, report, newer, repeat])
    assert states["CHN-PRK"].late == 1
    assert [(a.alert_id, a.kind, a.trigger) for a in late] == [(a.alert_id, a.kind, a.trigger) for a in in_order]
    assert kinds(late) == [("CHN-PRK", "cooling", "reported")]
    assert late[0].evidence[0].article_id == report.article_id


def test_a_statistical_alert_waits_for_event_time_to_pass_the_confirming_article() -> None:
    observations = [*warm_history(), *cool_run(count=4)]
    states, alerts = feed(observations, finish=False)
    assert alerts == []
    assert len(states["CHN-PRK"].pending) == 1
    _, still = advance(states["CHN-PRK"], observations[-1].published_at - timedelta(minutes=1), CONFIG)
    assert still == []
    _, released = advance(states["CHN-PRK"], observations[-1].published_at, CONFIG)
    assert kinds(released) == [("CHN-PRK", "cooling", "statistical")]


def test_other_pairs_moving_event_time_on_do_not_make_an_article_late_for_its_own_pair() -> None:
    # The partition's clock (other pairs' articles) can race ahead of this pair's, e.g. when a rebalance stalls part
    # of the upstream input: an article within the allowed lateness of its own pair's newest must still count.
    history = warm_history()
    t = history[-1].published_at + timedelta(days=10)
    first = obs("CHN-PRK", 1.0, t, "Northern Wire")
    middle = obs("CHN-PRK", 0.5, t + timedelta(minutes=20), "Continental Post")
    newest = obs("CHN-PRK", 1.5, t + timedelta(minutes=40), "Coastline Times")
    ordered, ordered_alerts = feed([*history, first, middle, newest])
    states, _ = feed([*history, first, newest], finish=False)
    state, early = advance(states["CHN-PRK"], t + timedelta(minutes=30), CONFIG)  # partition clock minus lateness
    state, later = observe(state, middle, CONFIG)
    state, rest = flush(state, CONFIG)
    assert state.late == 0
    assert state.model_copy(update={"seen": ""}) == ordered["CHN-PRK"].model_copy(update={"seen": ""})
    assert [*early, *later, *rest] == [a for a in ordered_alerts if a.trigger == "statistical"]


def test_zero_lateness_finalises_each_article_on_arrival() -> None:
    config = DetectorConfig(allowed_lateness_hours=0)
    _, alerts = feed([*warm_history(), *cool_run(count=4)], config, finish=False)
    assert kinds(alerts) == [("CHN-PRK", "cooling", "statistical")]


# --- determinism and state --------------------------------------------------------------------------------------


def _story(rng: random.Random) -> list[RelationObservation]:
    """Two pairs over a year: noise, a step, reported changes, duplicates; several articles a day."""
    out: list[RelationObservation] = []
    clock = T0
    for i in range(900):
        clock += timedelta(hours=rng.expovariate(1 / 6))
        level = 4.0 if i < 500 else -1.0
        pair = "CHN-PRK" if i % 3 else "PRK-RUS"
        score = max(-10.0, min(10.0, round((level + rng.gauss(0, 1.8)) * 2) / 2))
        trend: Trend | None = None
        if i in (100, 510, 700):
            trend = "cooling"
        elif i == 300:
            trend = "warming"
        out.append(obs(pair, score, clock, rng.choice(SOURCES), trend=trend, confidence=0.9))
        if rng.random() < 0.1:
            out.append(obs(pair, score, clock + timedelta(minutes=5), rng.choice(SOURCES),
                           duplicate_of=out[-1].article_id))
    return out


def test_arrival_shuffled_within_the_lateness_gives_the_same_alerts_as_event_time_order() -> None:
    rng = random.Random(5)
    story = _story(rng)
    lateness = timedelta(hours=CONFIG.allowed_lateness_hours)
    delays = [timedelta(seconds=rng.uniform(0, lateness.total_seconds())) for _ in story]
    arrival = [story[i] for i in sorted(range(len(story)), key=lambda i: story[i].published_at + delays[i])]
    assert arrival != story
    ordered_states, ordered = feed(story)
    shuffled_states, shuffled = feed(arrival)
    assert ordered, "the story must raise alerts for the comparison to mean anything"
    assert {"statistical", "reported"} <= {a.trigger for a in ordered}
    assert sorted(shuffled, key=lambda a: a.alert_id) == sorted(ordered, key=lambda a: a.alert_id)
    for pair, state in ordered_states.items():
        assert shuffled_states[pair].alerts == state.alerts
        assert shuffled_states[pair].baseline == state.baseline


def test_reports_of_one_change_arriving_in_reverse_share_one_alert_id() -> None:
    early = obs("IND-PAK", -3.0, T0, trend="cooling")
    later = obs("IND-PAK", -3.5, T0 + timedelta(minutes=20), "Northern Wire", trend="cooling")
    _, in_order = feed([early, later])
    _, reversed_ = feed([later, early])
    assert len(in_order) == len(reversed_) == 1
    assert in_order[0].alert_id == reversed_[0].alert_id


def test_the_same_input_gives_the_same_alert_ids() -> None:
    story = _story(random.Random(9))
    _, first = feed(story)
    _, second = feed(story)
    assert [a.alert_id for a in first] == [a.alert_id for a in second]
    assert len({a.alert_id for a in first}) == len(first)


def test_state_round_trips_through_json() -> None:
    states, _ = feed([*warm_history(), *cool_run(count=3)], finish=False)
    state = states["CHN-PRK"]
    assert state.pending and state.falling.statistic > 0
    restored = PairState.model_validate(orjson.loads(orjson.dumps(state.model_dump(mode="json"))))
    assert restored == state


def test_a_restart_from_the_changelog_alerts_exactly_as_an_uninterrupted_run() -> None:
    story = _story(random.Random(3))
    _, uninterrupted = feed(story)
    stored: dict[str, bytes] = {}
    restarted: list[RelationshipAlert] = []
    for observation in story:
        raw = stored.get(observation.pair)
        state = PairState.model_validate(orjson.loads(raw)) if raw is not None else None
        state, alerts = observe(state, observation, CONFIG)
        stored[observation.pair] = orjson.dumps(state.model_dump(mode="json"))
        restarted.extend(alerts)
    for raw in stored.values():
        restarted.extend(flush(PairState.model_validate(orjson.loads(raw)), CONFIG)[1])
    assert restarted == uninterrupted


def test_state_stays_bounded_however_long_the_coverage() -> None:
    rng = random.Random(1)
    story = [
        obs("CHN-USA", round(rng.uniform(-8, 8)), T0 + timedelta(minutes=7 * i),
            f"Outlet {rng.randrange(40)}", trend=rng.choice([None, "warming", "cooling"]), confidence=0.9)
        for i in range(3000)
    ]
    states, _ = feed(story, finish=False)
    size = len(states["CHN-USA"].model_dump_json())
    assert size < 8_000
    assert len(states["CHN-USA"].pending) <= CONFIG.max_pending


def test_every_threshold_says_why() -> None:
    for name, field in DetectorConfig.model_fields.items():
        assert field.description and len(field.description) > 20, name


def test_a_burst_beyond_the_buffer_closes_no_window_early() -> None:
    """Replay (in order) takes a burst whole; a straggler within the lateness still counts as in order."""
    burst = [obs("ISR-IRN", -6.0, T0 + timedelta(seconds=30 * i), SOURCES[i % 4]) for i in range(40)]
    states, _ = feed(burst, finish=False)
    state = states["ISR-IRN"]
    assert len(state.pending) == 40
    straggler = obs("ISR-IRN", -6.0, T0 + timedelta(seconds=1))
    state, _ = observe(state, straggler, CONFIG)
    assert state.late == 0 and len(state.pending) == 41

