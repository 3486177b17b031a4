"""English dates as the Forum writes them: "12 November 2015", "November 2015"."""

DATE_FORMAT = "j F Y"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
