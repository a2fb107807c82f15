from alembic import context
from sqlalchemy import text

from gateway import models
from gateway.db import make_engine
from gateway.settings import Settings

url = context.config.get_main_option("sqlalchemy.url") or Settings.from_env().database_url
engine = make_engine(url)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=models.Base.metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Replicas starting together migrate one at a time.
            connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('crm-gateway'))"))
        context.run_migrations()
engine.dispose()
