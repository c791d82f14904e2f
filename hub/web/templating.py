"""The office pages' templates: one Jinja environment that every domain's templates join.

The toolkit knows no domain. A domain's pages module adds its template folder and registers
the globals, filters and timeline labels its templates use; a name registered twice must be
the same thing, else the registration is refused (a page would silently show the other one).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader

from hub.accounts.service import ROLES
from hub.contract.v1 import CATEGORY_LABELS, CHANNEL_LABELS
from hub.normalize.codes import load_divisions

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
OFFICE_ZONE = ZoneInfo("Asia/Shanghai")

templates = Jinja2Templates(directory=HERE / "templates")
EVENT_LABELS: dict[str, str] = {}


def add_template_folder(folder: Path) -> None:
    """Another domain's templates join the office pages' loader (they extend base.html).
    A name another folder already has is refused: the loader would serve the first silently."""
    loaders = [templates.env.loader]
    if isinstance(templates.env.loader, ChoiceLoader):
        loaders = list(templates.env.loader.loaders)
    if any(isinstance(x, FileSystemLoader) and str(folder) in x.searchpath for x in loaders):
        return
    added = FileSystemLoader(str(folder))
    taken = set(added.list_templates()) & set(templates.env.list_templates())
    if taken:
        raise RuntimeError(f"{folder}: template names already used by another folder: "
                           f"{', '.join(sorted(taken))}")
    templates.env.loader = ChoiceLoader([*loaders, added])


def _register(into: dict[str, Any], what: str, names: Mapping[str, Any]) -> None:
    for name, value in names.items():
        if name in into and into[name] is not value and into[name] != value:
            raise RuntimeError(f"template {what} {name!r} is already registered as something else")
        into[name] = value


def register_globals(**names: Any) -> None:
    """Names a domain's templates read (label tables, helpers)."""
    _register(templates.env.globals, "global", names)


def register_filters(**filters: Callable[..., Any]) -> None:
    _register(templates.env.filters, "filter", filters)


def register_event_labels(labels: Mapping[str, str]) -> None:
    """How a domain's actions read on a clue's timeline (`{{ event.action | event_label }}`)."""
    _register(EVENT_LABELS, "event label", labels)


def region_name(code: str | None) -> str:
    if not code:
        return "—"
    return load_divisions().full_name(code) or code


def _local(when) -> str:  # noqa: ANN001
    return when.astimezone(OFFICE_ZONE).strftime("%Y-%m-%d %H:%M") if when else "—"


def _pretty_json(value) -> str:  # noqa: ANN001
    return json.dumps(value, ensure_ascii=False, indent=2)


def _event_label(action: str) -> str:
    return EVENT_LABELS.get(action, action)


register_globals(CHANNELS=CHANNEL_LABELS, CATEGORIES=CATEGORY_LABELS, ROLES=ROLES)
register_filters(region=region_name, local=_local, pretty_json=_pretty_json,
                 event_label=_event_label)
