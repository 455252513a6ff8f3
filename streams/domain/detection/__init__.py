"""Stage 3, detect: a pair's history in event time, and alerts when its relationship changes.

Interface used by the pipeline, the Faust agent and `replay` (keep these names and signatures):

    class DetectorConfig(pydantic BaseModel)      # thresholds; defaults that just work
    class PairState(pydantic BaseModel)           # one pair's bounded state; JSON-serialisable (Faust table value)
    def observe(state: PairState | None, obs: RelationObservation, config: DetectorConfig)
        -> tuple[PairState, list[RelationshipAlert]]
"""
