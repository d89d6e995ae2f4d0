"""German alphabetical order (DIN 5007) without relying on the database's collation.

SQLite compares bytes (so "Öztürk" lands after "Zander") and PostgreSQL's order depends on
the collation the cluster was created with. Lists people read in German order therefore
sort by the key of DIN 5007, variant 1 (the dictionary order, as the public member
directory sorts): ä as a, ö as o, ü as u, ß as ss, case ignored. "Öztürk" sorts as
"ozturk", between "Oberhaus" and "Otto", not after "Zander".

`german_sort_key` is the key for Python's `sorted`; `GermanSortKey` the same key as a
database expression (nested REPLACE and LOWER, which SQLite and PostgreSQL both have), for
ordering a queryset before it is paginated.
"""

from django.db.models import Value
from django.db.models.functions import Lower, Replace

# Capitals first: SQLite's LOWER only folds ASCII letters.
UMLAUTS = (
    ("Ä", "a"),
    ("Ö", "o"),
    ("Ü", "u"),
    ("ä", "a"),
    ("ö", "o"),
    ("ü", "u"),
    ("ẞ", "ss"),
    ("ß", "ss"),
)


def german_sort_key(text: str | None) -> str:
    """The DIN 5007-2 sort key of `text` ("Öztürk" → "ozturk")."""
    key = text or ""
    for umlaut, spelled in UMLAUTS:
        key = key.replace(umlaut, spelled)
    return key.casefold()


def GermanSortKey(expression):  # noqa: N802 (reads like the expression class it builds)
    """`german_sort_key` as a database expression over `expression` (a field name or
    expression), for `order_by` or `annotate`."""
    for umlaut, spelled in UMLAUTS:
        expression = Replace(expression, Value(umlaut), Value(spelled))
    return Lower(expression)
