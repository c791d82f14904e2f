"""Quality gates: the labelled subject strings, and every subject the simulators send."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from connectors._sim import bodies as sim
from connectors._sim.places import COUNTIES, PLACES
from connectors.base import MappingError
from connectors.registry import CONNECTORS
from hub.directory.evaluation import DATA, load_eval, score_item
from hub.directory.resolve import resolve
from hub.directory.subjects import resolve_subjects


@pytest.mark.parametrize("name", ["resolve_eval.jsonl", "resolve_blind.jsonl"])
def test_the_evaluation_sets_resolve_well_and_rarely_wrongly(seed, name):
    items = load_eval(DATA / name)
    outcomes = Counter(
        score_item(item, resolve(seed, item["name"], credit_code=item.get("credit_code"),
                                 region_code=item.get("subject_region_code"),
                                 clue_region=item.get("region_code")))
        for item in items)
    assert len(items) >= (150 if name == "resolve_eval.jsonl" else 50)
    assert outcomes["correct"] / len(items) >= 0.90, outcomes
    assert outcomes["wrong"] / len(items) <= 0.02, outcomes


def test_resolution_is_fast(seed):
    names = [item["name"] for item in load_eval(DATA / "resolve_eval.jsonl")]
    start = time.perf_counter()
    for name in names:
        resolve(seed, name, clue_region="420322")
    per_name = (time.perf_counter() - start) / len(names)
    assert per_name < 0.005, f"{per_name * 1000:.2f} ms per subject"


def test_every_body_the_simulators_name_is_in_the_directory_with_its_code(seed):
    made = [sim.government(place) for place in PLACES]
    made += [sim.department(key, place) for key in sim.DEPARTMENTS for place in PLACES]
    made += [sim.town_government(_Pick(town), county)
             for county in COUNTIES for town in county.towns]
    for body in made:
        found = resolve(seed, "（名称缺失）", credit_code=body.credit_code)
        assert (found.method, found.name) == ("credit_code", body.name), body
        assert resolve(seed, body.name).name == body.name


@pytest.mark.parametrize("connector", list(CONNECTORS))
def test_simulated_clues_have_their_subjects_resolved(seed, connector):
    spec = CONNECTORS[connector]
    methods: Counter[str] = Counter()
    for record in spec.generate_records(1, 200):
        try:
            clue = spec.to_clue(record)
        except MappingError:
            continue
        if clue is None:
            continue
        for subject in resolve_subjects(seed, clue.get("subjects", []),
                                        clue_region=clue.get("region_code"),
                                        title=clue["title"], content=clue["content"]):
            methods[subject["resolution"]["method"]] += 1
    assert sum(methods.values()) > 50
    assert methods["unresolved"] == 0 and methods["fuzzy"] == 0, methods


class _Pick:
    """A stand-in random source that always picks one given town."""

    def __init__(self, town: str) -> None:
        self.town = town

    def choice(self, options):  # noqa: ANN001, ANN201
        return self.town if self.town in options else options[0]
