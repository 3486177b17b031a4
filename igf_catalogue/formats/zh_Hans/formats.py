"""Chinese numbers grouped in thousands, as the UN's Chinese pages write them: "1,127"
(Django's own group none). Dates are Django's ("2015年11月12日"), but a month and a day
without a leading zero: "11月13日", "6月27日"."""

MONTH_DAY_FORMAT = "n月j日"

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
