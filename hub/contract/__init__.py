"""The shared schema: the contract with partner agencies (SPEC.md §4).

Field names here are the contract. Within v1 the hub may add fields, never rename them.
`schemas/` at the top of the repository holds these models exported as JSON Schema.
"""

from hub.contract.v1 import (
    CATEGORY_LABELS,
    CHANNEL_LABELS,
    Attachment,
    BatchItemResult,
    BatchResult,
    BatchSubmission,
    Category,
    Channel,
    ClueOut,
    ClueSubmission,
    Reference,
    ReferenceKind,
    Reporter,
    ReporterMasked,
    Subject,
    Urgency,
)

__all__ = [
    "CATEGORY_LABELS",
    "CHANNEL_LABELS",
    "Attachment",
    "BatchItemResult",
    "BatchResult",
    "BatchSubmission",
    "Category",
    "Channel",
    "ClueOut",
    "ClueSubmission",
    "Reference",
    "ReferenceKind",
    "Reporter",
    "ReporterMasked",
    "Subject",
    "Urgency",
]
