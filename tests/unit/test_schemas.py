from pathlib import Path

from streams import schemas

ROOT = Path(__file__).resolve().parents[2]


def test_committed_schemas_match_the_models() -> None:
    assert schemas.drift(ROOT / "schemas") == [], "run `dyadwatch schemas` and commit the result"


def test_asyncapi_refs_point_at_components() -> None:
    doc = schemas.asyncapi()
    components = doc["components"]["schemas"]
    for message in doc["components"]["messages"].values():
        name = message["payload"]["$ref"].rsplit("/", 1)[-1]
        assert name in components
    text = str(doc)
    assert "#/$defs/" not in text, "nested refs must point at #/components/schemas"
    assert {c["address"] for c in doc["channels"].values()} == {
        "articles.raw", "articles.clean", "relations.observed", "relations.watermarks", "relations.alerts",
        "articles.deadletter"}
