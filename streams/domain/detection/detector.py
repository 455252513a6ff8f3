"""observe(), advance() and flush(): one pair's state machine in event time.

Event time. Each pair keeps a watermark: its newest `published_at` minus the allowed lateness (and never going
back). An article newer than the watermark waits in `pending`; when the watermark passes it, it is finalised:
folded into the levels and the CUSUM in (published_at, observation_id) order. So as long as every article
arrives within the allowed lateness, the finalised sequence, and with it every statistical alert, is exactly
the one an event-time-ordered replay produces. An article older than the watermark is late: it still updates
the baseline, the recent level and the counts (weighted by its age), but it cannot take part in a statistical
alert, since its window has closed.

Reported changes are decided on arrival (see reported.py for why that stays order-independent), late articles
included: a change an article states outright is announced even when a backlog delivered the article after its
window closed (up to late_report_max_hours behind the pair's newest article), and recorded at its own event
time, so that later reports see it in their cool-down as they would have in order.

Statistical alerts are raised when the watermark passes the article that confirms them: with a busy pair, on
the next article; otherwise when the caller advances time past the pair's newest article. Call
`advance(state, watermark)` from a timer with the partition's stream time minus the allowed lateness, and
`flush(state)` at the end of a finite input (replay).

Duplicates (`duplicate_of` set) move the pair's clock and are counted, but are not evidence: no level, no
trigger. Redelivered observations (same observation_id, recently seen) change nothing, so at-least-once
delivery does not double-count.
"""

from __future__ import annotations

import bisect
import hashlib
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from streams.domain.detection import levels, reported, statistical
from streams.domain.detection.config import DAY, HOUR, DetectorConfig
from streams.domain.detection.state import AlertRecord, PairState, Pending
from streams.models import AlertKind, AlertTrigger, RelationObservation, RelationshipAlert


def observe(
    state: PairState | None, obs: RelationObservation, config: DetectorConfig
) -> tuple[PairState, list[RelationshipAlert]]:
    """Take one observation of a pair. Returns the pair's state (updated in place when `state` is given: store
    the returned value) and the alerts to publish, in order."""
    if state is None:
        state = _new_state(obs, config)
    elif state.pair != obs.pair:
        raise ValueError(f"observation of {obs.pair} given the state of {state.pair}")
    key = hashlib.blake2b(obs.observation_id.encode(), digest_size=4).hexdigest()
    if _seen(state.seen, key):
        return state, []
    state.seen = (state.seen + key)[-config.max_seen * len(key) :]

    if obs.duplicate_of is not None:
        state.duplicates += 1
        return state, _move_clock(state, obs.published_at, config)
    if obs.confidence < config.min_confidence:
        # too unsure to be evidence (DetectorConfig.min_confidence): it moves the clock like a duplicate
        return state, _move_clock(state, obs.published_at, config)

    state.articles += 1
    article = _pending(obs, config)
    if obs.published_at < state.watermark:
        _fold_late(state, article, config)
        return state, _announce_late(state, article, config)

    out = _move_clock(state, obs.published_at, config)
    bisect.insort(state.pending, article, key=_order)
    decision = reported.decide(state, article, config)
    if decision is not None and not _known(state, decision.alert_id):
        alert = reported.build(state, article, decision, config)
        state.announced.append(alert.alert_id)
        del state.announced[: -config.max_pending]
        state.last_alert = AlertRecord(
            alert_id=alert.alert_id, kind=alert.kind, trigger="reported", at=article.published_at
        )
        out.append(alert)
    out.extend(_finalise(state, state.watermark, config))
    return state, out


def full(state: PairState | None, obs: RelationObservation, config: DetectorConfig) -> bool:
    """Whether the pair should take `obs` later: it holds max_pending articles inside the allowed lateness and
    `obs` is not older than its newest. No window closes early for a burst (an article behind it that is within
    the lateness must still count as if in order); the caller holds the newer article back instead, until event
    time has finalised the pair's pending ones. That gives the same result as taking it at once, since what is
    finalised, and in which order, does not change. An older article is taken at once, full or not: it must be
    put in its place before anything after it is finalised."""
    return state is not None and len(state.pending) >= config.max_pending and obs.published_at >= state.max_seen


def advance(state: PairState, watermark: datetime, config: DetectorConfig) -> tuple[PairState, list[RelationshipAlert]]:
    """Event time has reached `watermark` (e.g. the partition's stream time minus the allowed lateness) without an
    article of this pair: once it has passed the pair's newest article, finalise everything pending.

    Before that the pair's own clock decides. Other pairs' articles can run ahead of this pair's by more than the
    allowed lateness (a rebalance stalls part of the upstream input while the rest flows on), and moving the pair's
    watermark with them would make an article late that is well within the lateness of its own pair's newest."""
    if watermark >= state.max_seen and watermark > state.watermark:
        state.watermark = watermark
    return state, _finalise(state, state.watermark, config)


def flush(state: PairState, config: DetectorConfig) -> tuple[PairState, list[RelationshipAlert]]:
    """The input has ended: finalise everything pending."""
    return advance(state, state.max_seen, config)


def _new_state(obs: RelationObservation, config: DetectorConfig) -> PairState:
    return PairState(
        pair=obs.pair,
        countries=obs.countries,
        max_seen=obs.published_at,
        watermark=obs.published_at - timedelta(seconds=config.lateness_s),
    )


def _move_clock(state: PairState, published_at: datetime, config: DetectorConfig) -> list[RelationshipAlert]:
    if published_at > state.max_seen:
        state.max_seen = published_at
    watermark = state.max_seen - timedelta(seconds=config.lateness_s)
    if watermark > state.watermark:
        state.watermark = watermark
    return _finalise(state, state.watermark, config)


def _finalise(state: PairState, watermark: datetime, config: DetectorConfig) -> list[RelationshipAlert]:
    out: list[RelationshipAlert] = []
    while state.pending and state.pending[0].published_at <= watermark:
        out.extend(_finalise_one(state, state.pending.pop(0), config))
    return out


def _finalise_one(state: PairState, article: Pending, config: DetectorConfig) -> list[RelationshipAlert]:
    at = article.published_at.timestamp()
    out: list[RelationshipAlert] = []
    levels.fold(state.recent, article.score, at, config.recent_half_life_days * DAY)
    if article.source is not None:
        statistical.remember(state.sources, article.source, config.max_sources)
    state.evidence.append(statistical.as_item(article, with_sentence=False))
    del state.evidence[: -config.max_evidence]
    shift = statistical.step(state, article, at, config)
    if shift is not None:
        _record(state, shift.alert_id, shift.kind, "statistical", article.published_at, config)
        out.append(shift)
    decision = reported.decide(state, article, config)
    if decision is not None and not any(r.alert_id == decision.alert_id for r in state.alerts):
        _record(state, decision.alert_id, decision.kind, "reported", article.published_at, config)
        if decision.alert_id in state.announced:
            state.announced.remove(decision.alert_id)
        else:  # not announced on arrival (e.g. state from before a restart that lost it): announce now
            out.append(reported.build(state, article, decision, config))
    return out


def _announce_late(state: PairState, article: Pending, config: DetectorConfig) -> list[RelationshipAlert]:
    """The reported change a late article states, if it is still news (see the module's docstring).

    Not while a report announced on arrival is still pending: its id was decided without this older alert, and
    deciding it again at finalisation with it would announce the same article twice under two ids. Nor when the
    record would fall off the bounded alert history at once: it could then be announced again."""
    if (state.max_seen - article.published_at).total_seconds() > config.late_report_max_hours * HOUR:
        return []
    if state.announced or (len(state.alerts) >= config.max_alerts and article.published_at < state.alerts[0].at):
        return []
    decision = reported.decide(state, article, config)
    if decision is None or _known(state, decision.alert_id):
        return []
    _record(state, decision.alert_id, decision.kind, "reported", article.published_at, config)
    return [reported.build(state, article, decision, config)]


def _record(
    state: PairState,
    alert_id: str,
    kind: AlertKind,
    trigger: AlertTrigger,
    at: datetime,
    config: DetectorConfig,
) -> None:
    record = AlertRecord(alert_id=alert_id, kind=kind, trigger=trigger, at=at)
    bisect.insort(state.alerts, record, key=_at)  # in event-time order, a late article's alert included
    del state.alerts[: -config.max_alerts]
    if state.last_alert is None or record.at >= state.last_alert.at:
        state.last_alert = record


def _known(state: PairState, alert_id: str) -> bool:
    return alert_id in state.announced or any(r.alert_id == alert_id for r in state.alerts)


def _fold_late(state: PairState, article: Pending, config: DetectorConfig) -> None:
    """A late article is history, not news: it updates the levels (weighted by its age) but no trigger."""
    state.late += 1
    if article.source is not None:
        statistical.remember(state.sources, article.source, config.max_sources)
    at = article.published_at.timestamp()
    levels.fold(state.baseline, article.score, at, config.baseline_half_life_days * DAY)
    levels.fold(state.recent, article.score, at, config.recent_half_life_days * DAY)


def _pending(obs: RelationObservation, config: DetectorConfig) -> Pending:
    sentence = obs.evidence[0].sentence[: config.sentence_chars] if obs.evidence else None
    return Pending(
        observation_id=obs.observation_id,
        article_id=obs.article_id,
        source=_source(obs),
        published_at=obs.published_at,
        score=obs.score,
        sentence=sentence,
        trend=obs.trend,
        confidence=obs.confidence,
    )


def _source(obs: RelationObservation) -> str | None:
    """The outlet: its name, else the host of its URL (so 'independent sources' still means something)."""
    if obs.source:
        return obs.source.strip() or None
    if obs.url:
        host = urlsplit(obs.url).hostname
        return host.removeprefix("www.") if host else None
    return None


def _seen(seen: str, key: str) -> bool:
    """Whether `key` is one of the fixed-width hashes in `seen` (one string: far less memory than a list)."""
    at = seen.find(key)
    while at != -1:
        if at % len(key) == 0:
            return True
        at = seen.find(key, at + 1)
    return False


def _at(record: AlertRecord) -> datetime:
    return record.at


def _order(article: Pending) -> tuple[datetime, str]:
    return (article.published_at, article.observation_id)
