"""The statistical trigger: a two-sided CUSUM on each article's standardised departure from the baseline.

Why CUSUM. The question is "has this pair's level moved, and by at least a shift worth telling people about?",
asked once per article, with a few articles a day at best and a long quiet history. CUSUM answers exactly that
with two numbers of state per direction, is the quickest detector of a step of a given size for a given
false-alarm rate (Lorden, Moustakides), and its threshold reads directly as "how many sigmas of accumulated
evidence". Page-Hinkley is the same test with a running mean as reference, which lets a slow shift contaminate
its own reference; BOCPD would need a run-length distribution per pair (memory that grows, or pruning that makes
results depend on tuning) and a hazard rate nobody can justify for news. The statistic is capped, and a run ends
after a long silence, so old evidence does not linger.

Against what. The baseline is an exponentially weighted mean in event time with a long half-life, and the
pair's normal variation its weighted spread, shrunk towards a prior while coverage is thin. Articles of an open
run are held out of the baseline (up to max_held) so that a shift in progress cannot drag its own reference
along; they join it when the run ends. Each departure is clipped (z_clip) so one mis-scored article cannot
alert alone.

With few articles the baseline itself is uncertain (about 1/sqrt(weight) sigmas), and a CUSUM run against an
estimated reference alarms far more often than its threshold promises; the reference value k is therefore
widened by baseline_error_allowance/sqrt(weight), which fades as the history grows.

When. The statistic must cross cusum_h, and the run must be supported by min_articles independent articles
from min_sources distinct sources, with its mean away from the baseline by at least min_shift_points,
min_shift_sigmas * sigma and shift_z standard errors of the difference. Then one alert is raised and the
detector restarts at the new level (the baseline becomes the run's mean, with the run's articles as its weight,
and relearns for min_history further articles): one shift, one alert.
"""

from __future__ import annotations

import math

from streams.domain.detection import alerts, levels
from streams.domain.detection.config import DAY, DetectorConfig
from streams.domain.detection.state import Episode, Item, PairState, Pending
from streams.models import RelationshipAlert


def step(state: PairState, article: Pending, at: float, config: DetectorConfig) -> RelationshipAlert | None:
    """Fold one finalised, independent article (in event-time order) into the baseline and the CUSUM."""
    if state.last_folded is not None and at - state.last_folded > config.episode_gap_days * DAY:
        _end_runs(state, config)
    state.last_folded = at
    alert = None
    if state.history < config.min_history:
        _fold_baseline(state, article.score, at, config)
    else:
        alert = _test(state, article, at, config)
    state.history += 1
    state.snapshots.append((at, state.baseline.mean, state.history))
    del state.snapshots[: -config.max_snapshots]
    return alert


def _test(state: PairState, article: Pending, at: float, config: DetectorConfig) -> RelationshipAlert | None:
    reference = state.baseline.mean
    sigma = levels.spread_of_departure(state.baseline, _sigma(state, config))
    z = max(-config.z_clip, min(config.z_clip, (article.score - reference) / sigma))
    # An estimated baseline is off by about 1/sqrt(weight) sigmas; widening the reference value by that much keeps
    # such an error from acting as a drift towards the threshold while the pair's history is short.
    allowance = config.cusum_k + config.baseline_error_allowance / math.sqrt(max(1.0, state.baseline.weight))
    for run, signed in ((state.rising, z), (state.falling, -z)):
        run.statistic = min(config.cusum_cap, max(0.0, run.statistic + signed - allowance))
        if run.statistic > 0.0:
            _extend(run, article, 1.0 if run is state.rising else -1.0, config)
        else:
            _clear(run)
    state.held.append((at, article.score))
    sides: tuple[tuple[Episode, alerts.Direction], ...] = ((state.rising, "up"), (state.falling, "down"))
    for run, direction in sides:
        if run.statistic >= config.cusum_h:
            alert = _confirm(state, run, direction, article, reference, sigma, config)
            if alert is not None:
                _restart(state, run, at)
                return alert
    if state.rising.statistic == 0.0 and state.falling.statistic == 0.0:
        _release_held(state, len(state.held), config)
    else:
        _release_held(state, len(state.held) - config.max_held, config)
    return None


def _confirm(
    state: PairState,
    run: Episode,
    direction: alerts.Direction,
    article: Pending,
    reference: float,
    sigma: float,
    config: DetectorConfig,
) -> RelationshipAlert | None:
    if run.articles < config.min_articles or len(run.sources) < config.min_sources:
        return None
    current = run.score_sum / run.articles
    shift = current - reference
    if (shift > 0) != (direction == "up"):
        return None
    # The run's mean must stand out from the baseline beyond what the two estimates' own errors explain.
    uncertainty = sigma * math.sqrt(1.0 / run.articles + 1.0 / max(1.0, state.baseline.weight))
    needed = max(config.min_shift_points, config.min_shift_sigmas * sigma, config.shift_z * uncertainty)
    if abs(shift) < needed:
        return None
    assert run.start is not None  # an open run always has a start
    kind = alerts.statistical_kind(direction, reference, current, config)
    return RelationshipAlert(
        alert_id=alerts.alert_id(state.pair, kind, "statistical", f"{run.first_id}@{run.start.isoformat()}"),
        pair=state.pair,
        countries=state.countries,
        kind=kind,
        trigger="statistical",
        severity=alerts.severity(kind, shift, 1.0, config),
        baseline=round(reference, 3),
        current=round(current, 3),
        window_start=run.start,
        window_end=article.published_at,
        evidence=alerts.evidence(run.evidence[-config.max_evidence :]),
    )


def _restart(state: PairState, run: Episode, at: float) -> None:
    """The shift is confirmed: its run's level is the new normal, relearned from here."""
    levels.reset(state.baseline, run.score_sum / run.articles, float(run.articles), at)
    state.history = 0
    state.held.clear()
    _clear(state.rising)
    _clear(state.falling)


def _end_runs(state: PairState, config: DetectorConfig) -> None:
    _clear(state.rising)
    _clear(state.falling)
    _release_held(state, len(state.held), config)


def _release_held(state: PairState, count: int, config: DetectorConfig) -> None:
    for at, score in state.held[: max(0, count)]:
        _fold_baseline(state, score, at, config)
    del state.held[: max(0, count)]


def _fold_baseline(state: PairState, score: float, at: float, config: DetectorConfig) -> None:
    """Fold a score into the baseline, clipped to z_clip sigmas so a mis-scored article moves it only so far."""
    if state.baseline.weight > 0.0:
        reach = config.z_clip * _sigma(state, config)
        score = max(state.baseline.mean - reach, min(state.baseline.mean + reach, score))
    levels.fold(state.baseline, score, at, config.baseline_half_life_days * DAY)


def _sigma(state: PairState, config: DetectorConfig) -> float:
    return levels.sigma(state.baseline, config.prior_sigma, config.prior_weight, config.min_sigma)


def _extend(run: Episode, article: Pending, sign: float, config: DetectorConfig) -> None:
    if run.start is None:
        run.start = article.published_at
        run.first_id = article.observation_id
    run.articles += 1
    run.score_sum += article.score
    if article.source is not None:
        remember(run.sources, article.source, config.max_sources)
    run.evidence.append(as_item(article))
    if len(run.evidence) > config.max_evidence:
        # Cite the articles that moved furthest in the run's direction (the earliest among equals), in time order.
        weakest = min(range(len(run.evidence)), key=lambda i: (sign * run.evidence[i].score, -i))
        del run.evidence[weakest]


def _clear(run: Episode) -> None:
    run.statistic = 0.0
    run.start = None
    run.first_id = None
    run.articles = 0
    run.score_sum = 0.0
    run.sources.clear()
    run.evidence.clear()


def remember(names: list[str], name: str, limit: int) -> None:
    """Keep `names` as the `limit` most recently seen distinct names, newest last."""
    if name in names:
        names.remove(name)
    names.append(name)
    del names[:-limit]


def as_item(article: Pending, *, with_sentence: bool = True) -> Item:
    return Item(
        article_id=article.article_id,
        source=article.source,
        published_at=article.published_at,
        score=article.score,
        sentence=article.sentence if with_sentence else None,
    )
