"""Exponentially weighted levels in event time.

A level's weight halves every half-life of event time. An article older than the level's clock is added with
the weight it would have had by now, so the result does not depend on arrival order (weighted sums commute);
only the rounding differs.
"""

from __future__ import annotations

import math

from streams.domain.detection.state import Level


def fold(level: Level, score: float, at: float, half_life_s: float) -> None:
    """Add one article's score, published at `at` (epoch s), to `level`."""
    if level.as_of is None:
        level.as_of = at
    if at >= level.as_of:
        level.weight *= 0.5 ** ((at - level.as_of) / half_life_s)
        level.as_of = at
        weight = 1.0
    else:
        weight = 0.5 ** ((level.as_of - at) / half_life_s)
    level.weight += weight
    share = weight / level.weight
    delta = score - level.mean
    level.mean += share * delta
    # West's update of a weighted variance: exact for weighted sums, stable in one pass.
    level.var = (1.0 - share) * (level.var + share * delta * delta)


def sigma(level: Level, prior_sigma: float, prior_weight: float, floor: float) -> float:
    """The pair's normal variation: its own spread, shrunk towards the prior while it has little coverage
    (one weight unit is spent on estimating the mean, as in the n - 1 of a sample variance)."""
    pooled = (level.weight * level.var + prior_weight * prior_sigma**2) / max(1.0, level.weight - 1.0 + prior_weight)
    return max(floor, math.sqrt(pooled))


def spread_of_departure(level: Level, sigma: float) -> float:
    """How far a new score strays from the level by chance: the noise plus the level's own uncertainty,
    which matters while the level rests on few articles (e.g. right after a restart)."""
    return sigma * math.sqrt(1.0 + 1.0 / max(1.0, level.weight))


def reset(level: Level, mean: float, weight: float, at: float) -> None:
    """Start the level again at a new regime, keeping the spread (a shift moves the level, not the noise)."""
    level.mean = mean
    level.weight = weight
    level.as_of = at
