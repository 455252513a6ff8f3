"""Stage 3, detect: a pair's history in event time, and alerts when its relationship changes.

Interface used by the pipeline, the Faust agent and `replay` (keep these names and signatures):

    class DetectorConfig(pydantic BaseModel)      # thresholds; defaults (and why) in data/thresholds.json
    class PairState(pydantic BaseModel)           # one pair's bounded state; JSON-serialisable (Faust table value:
                                                  # store state.model_dump(mode="json"), load PairState.model_validate)
    def observe(state: PairState | None, obs: RelationObservation, config: DetectorConfig)
        -> tuple[PairState, list[RelationshipAlert]]
    def advance(state: PairState, watermark: datetime, config: DetectorConfig)
        -> tuple[PairState, list[RelationshipAlert]]   # event time moved on without an article of this pair
    def flush(state: PairState, config: DetectorConfig)
        -> tuple[PairState, list[RelationshipAlert]]   # end of a finite input (replay): finalise what waits

observe() updates the given state in place and returns it. No wall clock and no randomness anywhere: the same
observations give the same alerts. Two triggers (see statistical.py and reported.py for the methods, alerts.py
for the four kinds and severity, detector.py for event time, lateness, duplicates and redelivery):

- reported: an article states a warming or cooling with enough confidence; announced on arrival, once per
  change (cool-down unless the relationship reversed in between);
- statistical: a two-sided CUSUM of the pair's scores against its baseline, confirmed by enough independent
  articles and sources; raised when the allowed lateness has passed over the confirming article (on a later
  article of the pair, on advance(), or on flush()).
"""

from streams.domain.detection.config import DetectorConfig
from streams.domain.detection.detector import advance, flush, full, observe
from streams.domain.detection.state import PairState

__all__ = ["DetectorConfig", "PairState", "advance", "flush", "full", "observe"]
