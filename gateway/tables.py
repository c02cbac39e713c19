"""Every table of the database, for its one migration chain (`knowledge/migrations/`).

Each owner keeps its own declarative base: the knowledge base, and the gateway's admin, inbox,
alerts and insights. The chain lives in the knowledge layer, which must not import the gateway,
so the list of every owner's metadata is kept here, at the top, and `alembic.ini` names it
(`target_metadata`): `alembic revision --autogenerate` then compares every table, and proposes
to drop none.
"""

from sqlalchemy import MetaData

from gateway.admin.models import AdminBase
from gateway.alerts.models import AlertsBase
from gateway.inbox.models import GatewayBase
from gateway.insights.models import InsightsBase
from knowledge.models import Base

METADATA: tuple[MetaData, ...] = (
    Base.metadata,
    AdminBase.metadata,
    GatewayBase.metadata,
    AlertsBase.metadata,
    InsightsBase.metadata,
)
