"""schemas/v1 is what partner engineers build against: it must not drift from the models."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from hub.published import PUBLISHED, schema_text
from tests.support import factories

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas" / "v1"


def test_published_json_schemas_match_the_models():
    for name, model in PUBLISHED.items():
        path = SCHEMAS / name
        assert path.exists(), f"{path} missing: run `make schemas`"
        assert path.read_text(encoding="utf-8") == schema_text(model), (
            f"{path} drifted from {model.__name__}: run `make schemas` and review the diff")


def test_a_valid_submission_validates_against_the_published_schema():
    schema = json.loads((SCHEMAS / "clue-submission.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(factories.clue(), schema)
    bad = factories.clue(colour="red")
    try:
        jsonschema.validate(bad, schema)
    except jsonschema.ValidationError as exc:
        assert "colour" in exc.message
    else:
        raise AssertionError("unknown field passed the published schema")
