"""The partner agency's side of a hand-off: a simulator that receives and works its inbox.

It learns of hand-offs by signed webhook (`POST /hub/webhook`, the signature checked with the
hub's published key, deliveries deduplicated by `X-Hub-Delivery`) or by polling its inbox
with its API key, and then, each time `work(today)` is called, acts as a real agency does:

- a new hand-off (`sent`) is acknowledged, or returned ("not ours") for a few;
- progress replies first (the discipline commission reports `case_opened`), then the final
  reply with the agency's outcome (`sanction`, persons 2; courts `rectified`; …), on the day
  before the deadline, or, for the late ones, some days after it;
- a reply the office sent back for more work is answered again.

Every choice comes from `random.Random(f"{seed}:{hand-off number}")`, so a seed gives the
same story every run. `pace="calendar"` counts days with the `today` it is given (tests with
a controllable clock); `pace="cycles"` moves one step per call (the demo: the loop in minutes).
"""

from __future__ import annotations

import base64
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from fastapi import Request, Response
from starlette.concurrency import run_in_threadpool

TOLERANCE_SECONDS = 300
RETURN_REASON = "经核查，该事项不属于本单位职责范围，请转有关部门办理。"


@dataclass(frozen=True)
class Step:
    """One reply the agency sends: progress (final=False) or final, with its outcome."""

    text: str
    kind: str | None = None  # SPEC §4 outcome kind
    persons: int | None = None
    final: bool = False
    amount_yuan: str | None = None


@dataclass(frozen=True)
class Behaviour:
    """How an agency answers hand-offs: its replies in order, how often it returns or is late."""

    steps: tuple[Step, ...]
    return_rate: float = 0.1
    late_rate: float = 0.3
    late_days: tuple[int, int] = (3, 8)  # calendar days past the deadline, when late


@dataclass(frozen=True)
class Plan:
    returns: bool
    late_by: int  # calendar days after the deadline; 0: on time (the day before it)


def plan_for(behaviour: Behaviour, seed: int, number: str) -> Plan:
    rng = random.Random(f"{seed}:{number}")
    returns = rng.random() < behaviour.return_rate
    late = rng.random() < behaviour.late_rate
    return Plan(returns, rng.randint(*behaviour.late_days) if late else 0)


def verify(public_raw_b64: str, headers: Any, body: bytes, now: float) -> str | None:
    """None when the request is the hub's and fresh, else why not."""
    stamp, signature = headers.get("x-hub-timestamp"), headers.get("x-hub-signature")
    if not stamp or not signature:
        return "missing signature headers"
    if not stamp.isdigit() or abs(now - int(stamp)) > TOLERANCE_SECONDS:
        return "stale or invalid timestamp"
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_raw_b64))
    try:
        key.verify(base64.b64decode(signature), stamp.encode() + b"." + body)
    except (InvalidSignature, ValueError):
        return "bad signature"
    return None


@dataclass
class Stats:
    webhooks: int = 0
    duplicates: int = 0
    refused: int = 0
    polls: int = 0
    acknowledged: int = 0
    returned: int = 0
    replies: int = 0
    late: int = 0


@dataclass
class ReceivingAgency:
    """One partner agency working its hand-offs against a hub at `hub_url`."""

    name: str
    hub_url: str
    api_key: str
    behaviour: Behaviour
    seed: int = 1
    pace: str = "calendar"  # calendar | cycles
    polls: bool = False  # reads its inbox instead of (or besides) taking webhooks
    known: dict[str, dict[str, Any]] = field(default_factory=dict)  # number -> last view
    stats: Stats = field(default_factory=Stats)
    log: list[tuple[str, str]] = field(default_factory=list)  # (number, what was done)
    _deliveries: set[str] = field(default_factory=set)
    _keys: dict[str, str] = field(default_factory=dict)  # key id -> raw public key, base64
    _cycles: dict[str, int] = field(default_factory=dict)
    _updated_since: str | None = None
    _lock: threading.RLock = field(default_factory=threading.RLock)

    def __post_init__(self) -> None:
        self.client = httpx.Client(base_url=self.hub_url, timeout=10, trust_env=False,
                                   headers={"Authorization": f"Bearer {self.api_key}"})

    # -- hearing of hand-offs -----------------------------------------------------------------

    def public_key(self, key_id: str) -> str | None:
        if key_id not in self._keys:
            for key in httpx.get(f"{self.hub_url}/api/v1/keys", timeout=10).json()["keys"]:
                self._keys[key["key_id"]] = key["public_key_raw_b64"]
        return self._keys.get(key_id)

    def receive(self, headers: Any, body: bytes) -> tuple[int, str]:
        """A webhook from the hub: (HTTP status, why) after checking signature and freshness."""
        import json

        key = self.public_key(headers.get("x-hub-key-id", ""))
        problem = "unknown key id" if key is None else verify(key, headers, body, time.time())
        with self._lock:
            if problem:
                self.stats.refused += 1
                return 401, problem
            delivery = headers.get("x-hub-delivery", "")
            if delivery in self._deliveries:
                self.stats.duplicates += 1
                return 200, "duplicate"
            self._deliveries.add(delivery)
            self.stats.webhooks += 1
            handoff = json.loads(body)["handoff"]
            self.known[handoff["id"]] = handoff
        return 200, "ok"

    def poll(self) -> int:
        """Read the inbox for what changed since the last poll; the number of hand-offs seen."""
        seen, cursor = 0, None
        params: dict[str, Any] = {"limit": 100}
        if self._updated_since:
            params["updated_since"] = self._updated_since
        while True:
            page = self.client.get("/api/v1/handoffs", params={**params, "cursor": cursor}
                                   if cursor else params)
            page.raise_for_status()
            data = page.json()
            with self._lock:
                for handoff in data["handoffs"]:
                    self.known[handoff["id"]] = handoff
                    self._updated_since = max(self._updated_since or "", handoff["updated_at"])
                    seen += 1
            cursor = data.get("next_cursor")
            if not cursor:
                break
        self.stats.polls += 1
        return seen

    # -- working them -------------------------------------------------------------------------

    def work(self, today: date) -> list[tuple[str, str]]:
        """One round over every known hand-off; what was done, as (number, action)."""
        done = []
        with self._lock:
            numbers = sorted(self.known)
        for number in numbers:
            view = self.client.get(f"/api/v1/handoffs/{number}")
            if view.status_code != 200:
                continue
            handoff = view.json()
            with self._lock:
                self.known[number] = handoff
            action = self._act(handoff, today)
            if action:
                done.append((number, action))
        with self._lock:
            self.log += done
        return done

    def _act(self, handoff: dict[str, Any], today: date) -> str | None:
        number, status = handoff["id"], handoff["status"]
        plan = plan_for(self.behaviour, self.seed, number)
        if status == "sent":
            if plan.returns and handoff["kind"] != "cc":
                self._post(number, "return", {"reason": RETURN_REASON})
                self.stats.returned += 1
                return "return"
            self._post(number, "ack", {"note": f"{self.name}已签收"})
            self.stats.acknowledged += 1
            return "acknowledge"
        if status not in ("acknowledged", "returned") or handoff["kind"] == "cc":
            return None
        if status == "returned" and not self._sent_back(handoff):
            return None
        self._cycles[number] = self._cycles.get(number, 0) + 1
        return self._reply(handoff, plan, today)

    @staticmethod
    def _sent_back(handoff: dict[str, Any]) -> bool:
        """Returned by the office (our final reply came back), not by us."""
        return any(r["final"] for r in handoff.get("replies", []))

    def _reply(self, handoff: dict[str, Any], plan: Plan, today: date) -> str | None:
        number = handoff["id"]
        replies = handoff.get("replies", [])
        progress = [s for s in self.behaviour.steps if not s.final]
        final = next(s for s in self.behaviour.steps if s.final)
        sent_progress = sum(1 for r in replies if not r["final"])
        if sent_progress < len(progress):
            step = progress[sent_progress]
            self._reply_with(number, step, f"{number}-p{sent_progress + 1}")
            return f"reply_progress:{step.kind or '-'}"
        if not self._final_due(handoff, plan, today):
            return None
        rounds = sum(1 for r in replies if r["final"])
        self._reply_with(number, final, f"{number}-f{rounds + 1}")
        if plan.late_by:
            self.stats.late += 1
        return f"reply_final:{final.kind}"

    def _final_due(self, handoff: dict[str, Any], plan: Plan, today: date) -> bool:
        if self.pace == "cycles":
            return self._cycles[handoff["id"]] >= 2 + (3 if plan.late_by else 0)
        deadline = handoff.get("due_on") or handoff.get("reply_due_on")
        if deadline is None:
            return True
        due = date.fromisoformat(deadline)
        return today >= (due + timedelta(days=plan.late_by) if plan.late_by
                         else due - timedelta(days=1))

    def _reply_with(self, number: str, step: Step, source_ref: str) -> None:
        body: dict[str, Any] = {"source_ref": source_ref, "final": step.final, "text": step.text}
        if step.kind:
            body["outcome"] = {"kind": step.kind, **({"persons": step.persons}
                                                     if step.persons is not None else {}),
                               **({"amount_yuan": step.amount_yuan} if step.amount_yuan else {})}
        self._post(number, "replies", body)
        self.stats.replies += 1

    def _post(self, number: str, what: str, body: dict[str, Any]) -> None:
        answer = self.client.post(f"/api/v1/handoffs/{number}/{what}", json=body)
        if answer.status_code >= 400 and answer.status_code != 409:  # 409: moved on meanwhile
            answer.raise_for_status()

    def close(self) -> None:
        self.client.close()


def attach(app: Any, agency: ReceivingAgency) -> None:
    """Give a simulator's FastAPI app the agency's webhook endpoint and its counters."""
    app.state.agency = agency

    async def webhook(request: Request) -> Response:
        body = await request.body()
        status, why = await run_in_threadpool(agency.receive, request.headers, body)
        return Response(why, status_code=status, media_type="text/plain")

    def stats() -> dict[str, Any]:
        return {**vars(agency.stats), "known": len(agency.known)}

    app.add_api_route("/hub/webhook", webhook, methods=["POST"])
    app.add_api_route("/_agency", stats, methods=["GET"])


def behaviour_for(connector: str) -> Behaviour:
    """The connector's own receiving behaviour (`RECEIVER` in connectors/<name>/simulator.py)."""
    import importlib

    return importlib.import_module(f"connectors.{connector}.simulator").RECEIVER
