"""Dates and numbers in the Arabic interface.

Western digits, as the archive's sources print them; "," groups thousands (Django's default
for Arabic, ".", reads as a decimal point to most Arabic readers of the news); month names are
Django's Arabic ones (يناير، فبراير …).
"""

DATE_FORMAT = "j F Y"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "Y/m/d"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
