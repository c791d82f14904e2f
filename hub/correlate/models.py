"""Stored records of hub.correlate (tables join Base.metadata by being imported in hub.db.registry).

Two kinds of table:

* the index (`correlate_profiles`, `correlate_band_keys`, `correlate_field_keys`): derived from
  the clues, rebuilt by `hub correlate rebuild`, shared by every worker process. No foreign
  keys: they are written in bulk, never hold the only copy of anything, and the benchmark
  fills them without clues;
* the clusters (`clusters`, `cluster_links`, `clue_clusters`): decisions, the system's and the
  reviewers', kept with who and when; links are detached, never deleted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.models import Base
from hub.db.types import JSONType, UTCDateTime, utcnow


class CorrelateProfile(Base):
    """What correlation compares of one clue, computed once (hub.correlate.profile)."""

    __tablename__ = "correlate_profiles"
    clue_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    channel: Mapped[str] = mapped_column(String(32))
    region_code: Mapped[str | None] = mapped_column(String(6))
    text: Mapped[str] = mapped_column(Text)
    facts: Mapped[dict[str, Any]] = mapped_column(JSONType)
    indexed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CorrelateBandKey(Base):
    """One LSH band of a clue's MinHash signature. The band number is mixed into `key`, so
    the primary key (key, day, clue_id) is the (band, hash) index, window included."""

    __tablename__ = "correlate_band_keys"
    __table_args__ = {"sqlite_with_rowid": False}
    key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    day: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    clue_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class CorrelateFieldKey(Base):
    """A field a clue can be found by: case_number, document_number, credit_code, subject,
    place, region. `day` is the reported day (days since 1970-01-01, UTC)."""

    __tablename__ = "correlate_field_keys"
    __table_args__ = {"sqlite_with_rowid": False}
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[str] = mapped_column(String(120), primary_key=True)
    day: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    clue_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class Cluster(Base):
    """Clues about one problem. `lead_set_by` is 'system' until a reviewer picks the lead."""

    __tablename__ = "clusters"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lead_clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id"))
    lead_set_by: Mapped[str] = mapped_column(String(64), default="system")
    members: Mapped[int] = mapped_column(Integer, default=0)
    channels: Mapped[int] = mapped_column(Integer, default=0)
    channel_list: Mapped[list[str]] = mapped_column(JSONType, default=list)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("clusters.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ClusterLink(Base):
    """A clue's membership of a cluster, with the score and reasons it was linked for."""

    __tablename__ = "cluster_links"
    __table_args__ = (Index("ix_cluster_links_cluster_clue", "cluster_id", "clue_id"),
                      Index("ix_cluster_links_created", "created_at"))  # the overview's week
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id"))
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id"), index=True)
    score: Mapped[float | None] = mapped_column(Float)
    reasons: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    linked_by: Mapped[str] = mapped_column(String(64))  # 'system' or the reviewer
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    detached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    detached_by: Mapped[str | None] = mapped_column(String(64))


class ClueCluster(Base):
    """The cluster a clue is in now (at most one; a clue alone has no row)."""

    __tablename__ = "clue_clusters"
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id"), primary_key=True,
                                         autoincrement=False)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id"), index=True)


class CorrelateBatch(Base):
    """One linked batch, numbered in the order batches were linked (under the linking lock,
    so in commit order). A worker reads the index outside the lock, noting the last number it
    saw; under the lock it re-checks only the clues of the batches numbered after it, with
    the band keys kept here ([clue id, day, [band keys]] each: no scan of the keys table).
    Old rows are pruned as new ones come (`KEEP_BATCHES`)."""

    __tablename__ = "correlate_batches"
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    entries: Mapped[list[Any]] = mapped_column(JSONType)
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime)
