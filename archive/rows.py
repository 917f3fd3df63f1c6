"""The few queries an import makes for every article, as plain SQL built from the models.

Building a query through the ORM costs about half a millisecond here (compiling the SQL, the
model's default ordering, the queryset machinery), against 0.03 ms to run it: an import made
six of them per article, a twentieth of its time. These helpers take table and column names,
and each value's database form, from the model's own fields, so they follow the models; they
run on the connection Django's router picks for the model, inside the caller's transaction.
Everything else goes through the ORM.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence

from django.db import connections, models, router


def first_id(model, **where) -> int | None:
    """The primary key of one row whose fields equal `where`, or None."""
    db = connections[router.db_for_read(model)]
    quote = db.ops.quote_name
    fields = [model._meta.get_field(name) for name in where]
    condition = " AND ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = (
        f"SELECT {quote(model._meta.pk.column)} FROM {quote(model._meta.db_table)}"
        f" WHERE {condition} LIMIT 1"
    )
    pairs = zip(fields, where.values(), strict=True)
    params = [field.get_db_prep_value(value, db) for field, value in pairs]
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


def existing_ids(model, ids: Iterable[int]) -> set[int]:
    """Those of `ids` that are primary keys of rows of `model`."""
    wanted = list(ids)
    if not wanted:
        return set()
    db = connections[router.db_for_read(model)]
    quote = db.ops.quote_name
    pk = quote(model._meta.pk.column)
    found: set[int] = set()
    with db.cursor() as cursor:
        # SQLite allows 999 parameters in a statement by default.
        for start in range(0, len(wanted), 900):
            chunk = wanted[start : start + 900]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT {pk} FROM {quote(model._meta.db_table)} WHERE {pk} IN ({marks})", chunk
            )
            found.update(row[0] for row in cursor.fetchall())
    return found


def insert_rows(
    model, field_names: Sequence[str], rows: Iterable[Sequence], *, present: str = ""
) -> None:
    """INSERT the rows (values in `field_names` order), as many in one statement as the
    database takes; no signals, like bulk_create.

    `present` names a foreign key of `field_names`: rows whose target row does not exist (any
    more) are left out, in the same statement (no look-up first, no integrity error).
    """
    db = connections[router.db_for_write(model)]
    fields = [model._meta.get_field(name) for name in field_names]
    convert = [_to_database(field, db) for field in fields]
    values = [[to(value) for to, value in zip(convert, row, strict=True)] for row in rows]
    if not values:
        return
    quote = db.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    named = ", ".join(f"column{number}" for number in range(1, len(fields) + 1))
    # Many rows a statement, not an executemany: on PostgreSQL each statement of an
    # executemany is parsed and planned by the server, ~40 of them for the mentions of every
    # imported article.
    if db.vendor == "postgresql":
        # One array a column, unnested by the server: a statement of the same few parameters
        # whatever the number of rows, parsed and planned in a fraction of the time a VALUES
        # list of ~40 rows took (the mentions of every imported article).
        arrays = ", ".join(f"%s::{field.db_type(db)}[]" for field in fields)
        source = f"unnest({arrays}) AS given({named})"
        params = [list(column) for column in zip(*values, strict=True)]
        statements = [(source, params)]
    else:
        # VALUES names its columns column1, column2… (the names given to unnest's above)
        row_marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
        per_statement = max(1, db.ops.bulk_batch_size(fields, values))
        statements = [
            (
                f"(VALUES {', '.join([row_marks] * len(chunk))}) AS given",
                [value for row in chunk for value in row],
            )
            for chunk in (
                values[start : start + per_statement]
                for start in range(0, len(values), per_statement)
            )
        ]
    insert = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) SELECT {named} FROM %s"
    if present:
        key = fields[list(field_names).index(present)]
        target = key.target_field
        insert += (
            f" WHERE EXISTS (SELECT 1 FROM {quote(target.model._meta.db_table)} AS target"
            f" WHERE target.{quote(target.column)} = given.column{fields.index(key) + 1})"
        )
    with db.cursor() as cursor:
        for source, params in statements:
            cursor.execute(insert.replace("%s", source, 1), params)


def insert_unless_present(instance, unique_field: str) -> int | None:
    """INSERT the unsaved `instance` as one row, unless a row with its `unique_field` value
    exists (or is being inserted by another transaction, which this waits for): the new
    primary key, or None. No signals and no savepoint, unlike get_or_create's create."""
    model = type(instance)
    db = connections[router.db_for_write(model)]
    quote = db.ops.quote_name
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    # pre_save fills auto_now_add dates as save() would.
    values = [field.get_db_prep_save(field.pre_save(instance, True), db) for field in fields]
    pk = model._meta.pk
    columns = ", ".join(quote(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"
        f" ON CONFLICT ({quote(model._meta.get_field(unique_field).column)}) DO NOTHING"
        f" RETURNING {quote(pk.column)}"
    )
    with db.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return None
    instance.pk = row[0]
    instance._state.adding = False
    instance._state.db = db.alias
    return row[0]


def _to_database(field, db) -> Callable:
    """The field's get_db_prep_save, or int for integer columns (ids, counts): the same value,
    without a method chain per value on the thirty mention rows of every article."""
    target = field.target_field if field.is_relation else field
    if isinstance(target, models.IntegerField):  # the Big/Positive/Auto kinds included
        return _integer
    return functools.partial(field.get_db_prep_save, connection=db)


def _integer(value):
    return None if value is None else int(value)
