"""Every table of the hub: each domain's model module imported, so that Base.metadata knows
them all (Alembic's migrations, key rotation, tests). It stands above every domain."""

from hub.accounts import models as accounts_models  # noqa: F401
from hub.agencies import models as agencies_models  # noqa: F401
from hub.archive import models as archive_models  # noqa: F401
from hub.audit import models as audit_models  # noqa: F401
from hub.calendar import models as calendar_models  # noqa: F401
from hub.collect import models as collect_models  # noqa: F401
from hub.correlate import models as correlate_models  # noqa: F401
from hub.db.models import Base
from hub.directory import models as directory_models  # noqa: F401
from hub.documents import models as documents_models  # noqa: F401
from hub.followups import models as followups_models  # noqa: F401
from hub.handoffs import models as handoffs_models  # noqa: F401
from hub.intake import models as intake_models  # noqa: F401
from hub.meetings import models as meetings_models  # noqa: F401
from hub.notify import models as notify_models  # noqa: F401
from hub.privacy import models as privacy_models  # noqa: F401
from hub.reports import models as reports_models  # noqa: F401
from hub.review import models as review_models  # noqa: F401
from hub.route import models as route_models  # noqa: F401

metadata = Base.metadata
