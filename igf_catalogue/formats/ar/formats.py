"""Arabic numbers as Arabic news and the UN write them with Western digits: "1,127"
(Django's own Arabic formats group no digits). Dates are Django's: "12 نوفمبر، 2015"."""

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
