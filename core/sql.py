"""Reading rows of written-out SQL as the ORM would: the backend's and the field's converters of
a column, for values read through a plain cursor (on SQLite a date or a time comes back as text)."""

from django.db import DEFAULT_DB_ALIAS, connections


def column_converter(field, alias: str = DEFAULT_DB_ALIAS):
    """A function giving the database's value of ``field`` as the ORM gives it."""
    connection = connections[alias]
    col = field.get_col(field.model._meta.db_table)
    converters = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
    if not converters:
        return lambda value: value

    def convert(value):
        for converter in converters:
            value = converter(value, col, connection)
        return value

    return convert


def loaded(model, alias: str = DEFAULT_DB_ALIAS, **values):
    """A ``model`` instance holding ``values`` (attnames) as a queryset's ``.only(*values)`` makes
    it: Model.from_db, the other fields deferred (it takes the values in the model's field order)."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(alias, names, [values[name] for name in names])
