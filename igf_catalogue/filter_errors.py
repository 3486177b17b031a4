"""The codes a list filter's value error carries, which the pages and the API read alike.

A value of the wrong shape (a slug with a space in it, a year that is no number) is
`MALFORMED`; one of the right shape that names nothing public (a slug no published
session has, a year without sessions) `NAMES_NOTHING`. A page says both the same way;
the API answers the first 400 and the second 404, because its schema can state a
value's shape but not which slugs exist.
"""

MALFORMED = "malformed"
NAMES_NOTHING = "names_nothing"
