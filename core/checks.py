"""Start-up checks for what core relies on beyond Django's documented API (core.db)."""

import inspect

import django
from django.core.checks import Error, register


def django_internals_problems() -> list[str]:
    """What core.db relies on that this Django does not have, in words; empty when all is
    there. A new Django release counts as a problem until someone has checked it."""
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.backends.postgresql.operations import DatabaseOperations
    from django.db.models import query
    from django.db.models.sql.compiler import SQLCompiler

    from core.db import CHECKED_DJANGO

    problems = []
    if django.VERSION[:2] not in CHECKED_DJANGO:
        problems.append(
            f"Django {django.get_version()} has not been checked against core.db's hot paths "
            f"(checked: {', '.join('.'.join(map(str, v)) for v in CHECKED_DJANGO)})."
        )
    wanted = {
        BaseDatabaseWrapper: ("make_cursor", "make_debug_cursor", "queries_logged"),
        DatabaseOperations: ("compose_sql",),
        SQLCompiler: ("as_sql", "get_converters", "setup_query"),
    }
    for owner, names in wanted.items():
        problems += [
            f"{owner.__name__}.{name} is gone" for name in names if not hasattr(owner, name)
        ]
    populators = getattr(query, "get_related_populators", None)
    if populators is None:
        problems.append("django.db.models.query.get_related_populators is gone")
    elif list(inspect.signature(populators).parameters) != ["klass_info", "select", "db"]:
        problems.append("get_related_populators takes other arguments now")
    return problems


@register()
def check_django_internals(app_configs, **kwargs) -> list[Error]:
    return [
        Error(
            problem,
            hint="Re-check core/db.py against this Django, then CHECKED_DJANGO.",
            id="core.E001",
        )
        for problem in django_internals_problems()
    ]
