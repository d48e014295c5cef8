"""The migrations build the schema the models describe (guards against migration drift)."""

from __future__ import annotations

from tortoise import Tortoise

from node.http_state import EntraideApp


async def test_every_model_column_exists_after_migration(app: EntraideApp) -> None:
    with app.node.db.activate():
        connection = app.node.db.context.db()
        for model in app.node.db.context.apps.get_models_iterable():  # type: ignore[union-attr]
            table = model._meta.db_table
            if connection.capabilities.dialect == "sqlite":
                rows = await connection.execute_query_dict(f'PRAGMA table_info("{table}")')
                columns = {row["name"] for row in rows}
            else:
                rows = await connection.execute_query_dict(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = $1",
                    [table],
                )
                columns = {row["column_name"] for row in rows}
            expected = set(model._meta.fields_db_projection.values())
            assert expected <= columns, f"{table} lacks {expected - columns}"
    assert Tortoise is not None
