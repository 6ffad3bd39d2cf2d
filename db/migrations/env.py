"""Alembic environment: runs against the engine handed over by factcheck.db.migrate."""

from alembic import context

from factcheck.db.models import Base

config = context.config
engine = config.attributes.get("engine")


def run() -> None:
    if engine is None:
        raise RuntimeError("run migrations through `factcheck db upgrade`, not the alembic CLI")
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()


run()
