"""Every connector the hub knows, by name."""

from __future__ import annotations

from .admin_review import client as admin_review_client
from .admin_review import columns as admin_review_columns
from .admin_review import mapper as admin_review_mapper
from .admin_review import simulator as admin_review_simulator
from .base import ConnectorSpec
from .court import client as court_client
from .court import columns as court_columns
from .court import mapper as court_mapper
from .court import simulator as court_simulator
from .discipline import client as discipline_client
from .discipline import columns as discipline_columns
from .discipline import mapper as discipline_mapper
from .discipline import simulator as discipline_simulator
from .hotline import client as hotline_client
from .hotline import columns as hotline_columns
from .hotline import mapper as hotline_mapper
from .hotline import reply as hotline_reply
from .hotline import simulator as hotline_simulator
from .petition import client as petition_client
from .petition import columns as petition_columns
from .petition import mapper as petition_mapper
from .petition import reply as petition_reply
from .petition import simulator as petition_simulator
from .procuratorate import client as procuratorate_client
from .procuratorate import columns as procuratorate_columns
from .procuratorate import mapper as procuratorate_mapper
from .procuratorate import simulator as procuratorate_simulator
from .proposal import client as proposal_client
from .proposal import columns as proposal_columns
from .proposal import mapper as proposal_mapper
from .proposal import reply as proposal_reply
from .proposal import simulator as proposal_simulator


def _spec(name: str, display_name_zh: str, source_ref_field: str, simulator, mapper, client,
          columns, reply=None) -> ConnectorSpec:
    return ConnectorSpec(
        name=name,
        channel=mapper.CHANNEL,
        display_name_zh=display_name_zh,
        source_ref_field=source_ref_field,
        simulator=simulator.create_app,
        generate_records=simulator.generate_records,
        to_clue=mapper.to_clue,
        fetch_page=client.fetch_page,
        columns=columns.COLUMNS,
        reply=reply.to_reply if reply else None,
    )


CONNECTORS: dict[str, ConnectorSpec] = {
    spec.name: spec
    for spec in (
        _spec("hotline", "12345政务服务便民热线", "工单编号", hotline_simulator, hotline_mapper,
              hotline_client, hotline_columns, hotline_reply),
        _spec("petition", "信访信息系统", "信访件编号", petition_simulator, petition_mapper,
              petition_client, petition_columns, petition_reply),
        _spec("discipline", "纪委监委问题线索", "线索编号", discipline_simulator,
              discipline_mapper, discipline_client, discipline_columns),
        _spec("court", "法院审判执行系统", "案号", court_simulator, court_mapper, court_client,
              court_columns),
        _spec("procuratorate", "检察院检察建议", "文号", procuratorate_simulator,
              procuratorate_mapper, procuratorate_client, procuratorate_columns),
        _spec("admin_review", "行政复议决定", "文号", admin_review_simulator,
              admin_review_mapper, admin_review_client, admin_review_columns),
        _spec("proposal", "建议提案办理系统", "建议提案编号", proposal_simulator,
              proposal_mapper, proposal_client, proposal_columns, proposal_reply),
    )
}


def get(name: str) -> ConnectorSpec:
    """The connector called `name`; KeyError naming the known ones otherwise."""
    try:
        return CONNECTORS[name]
    except KeyError:
        known = "、".join(CONNECTORS)
        raise KeyError(f"没有名为“{name}”的连接器，可用的有：{known}") from None
