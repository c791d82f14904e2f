"""A partner generates a Python client from the served OpenAPI document (openapi-python-client,
the usual generator), without a warning, and works a whole day through it."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.handoffs.conftest import COMMISSION
from tests.support import factories

PACKAGE = "hub_partner_client"


def generate(url: str, into: Path) -> None:
    """The client as a partner would generate it, into `into`/hub_partner_client."""
    (into / "openapi.json").write_bytes(httpx.get(f"{url}/openapi.json").content)
    (into / "config.json").write_text(json.dumps({"package_name_override": PACKAGE,
                                                  "project_name_override": PACKAGE}))
    tools = Path(sys.executable).parent  # the generator formats its output with ruff
    done = subprocess.run(
        [str(tools / "openapi-python-client"), "generate", "--path", "openapi.json",
         "--config", "config.json", "--meta", "none", "--output-path", PACKAGE,
         "--fail-on-warning"],
        cwd=into, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PATH": f"{tools}{os.pathsep}{os.environ.get('PATH', '')}"})
    said = done.stdout + done.stderr
    assert done.returncode == 0 and "warning" not in said.lower(), said


def _module(name: str):  # noqa: ANN202
    return importlib.import_module(f"{PACKAGE}.{name}")


@pytest.mark.parametrize("backend", ["embedded"], indirect=True)  # the document, not the store
def test_a_generated_client_drives_a_partners_whole_day(desk, agencies, tmp_path, monkeypatch):
    generate(desk.url, tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    client_mod, models = _module("client"), _module("models")
    clues, inbox = "api.clues_线索.", "api.handoffs_移交."
    _, key = agencies.add("十堰市人民检察院", "procuratorate")
    partner = client_mod.AuthenticatedClient(base_url=desk.url, token=key, raise_on_unexpected_status=True)
    receiver = client_mod.AuthenticatedClient(base_url=desk.url, token=desk.commission.headers[
        "Authorization"].split(" ", 1)[1], raise_on_unexpected_status=True)

    # push one clue, then a batch, and read the first back
    pushed = _module(clues + "post_clue_api_v1_clues_post").sync(
        client=partner, body=models.ClueSubmission.from_dict(factories.clue()))
    assert isinstance(pushed, models.ClueOut) and pushed.id.startswith("XS-")
    batch = _module(clues + "post_batch_api_v1_clues_batch_post").sync(
        client=partner, body=models.BatchSubmission.from_dict(
            {"clues": [factories.clue(), {**factories.clue(), "channel": "fax"}]}))
    assert isinstance(batch, models.BatchResult)
    assert [r.status for r in batch.results] == [201, 422]
    assert "渠道" in batch.results[1].errors[0].msg
    read = _module(clues + "get_clue_api_v1_clues_clue_id_get").sync(pushed.id, client=partner)
    assert isinstance(read, models.ClueOut) and read.title == pushed.title

    # the office hands two clues to the commission, which works its inbox
    first, second = (desk.decide(clue, "assign", COMMISSION).json()["decisions"][0]["handoffs"][0]
                     for clue in desk.pending_clues(2))
    page = _module(inbox + "list_handoffs_api_v1_handoffs_get").sync(client=receiver,
                                                                      status="sent")
    assert isinstance(page, models.HandoffPage)
    assert {h.id for h in page.handoffs} == {first, second}
    acked = _module(inbox + "acknowledge_api_v1_handoffs_number_ack_post").sync(
        first, client=receiver, body=models.AckSubmission(note="已签收，立即办理"))
    assert isinstance(acked, models.HandoffOut) and acked.status == "acknowledged"
    reply = _module(inbox + "post_reply_api_v1_handoffs_number_replies_post").sync(
        first, client=receiver, body=models.ReplySubmission(
            text="已整改并追回款项", final=True, source_ref="JW-R-9",
            outcome=models.Outcome(kind=models.OutcomeKind.RECTIFIED, amount_yuan="1200.50")))
    assert isinstance(reply, models.ReplyOut) and reply.outcome.kind == models.OutcomeKind.RECTIFIED
    assert float(reply.outcome.amount_yuan) == 1200.5
    returned = _module(inbox + "return_handoff_api_v1_handoffs_number_return_post").sync(
        second, client=receiver, body=models.ReturnSubmission(reason="不属于本单位职责"))
    assert isinstance(returned, models.HandoffOut) and returned.status == "returned"
    shown = _module(inbox + "get_handoff_api_v1_handoffs_number_get").sync(first, client=receiver)
    assert shown.status == "replied" and shown.replies[0].source_ref == "JW-R-9"
