"""The working-day calendar, with periods counted by hand on the published calendars."""

import datetime as dt

import pytest

from datong.deals import workdays

d = dt.date.fromisoformat


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2026-10-01", False),  # National Day
        ("2026-10-10", True),  # Saturday worked (调休)
        ("2026-09-20", True),  # Sunday worked
        ("2026-09-26", False),  # Mid-Autumn, a Saturday anyway
        ("2026-02-23", False),  # Monday of the Spring Festival break
        ("2026-02-14", True),  # Saturday worked
        ("2026-01-04", True),  # Sunday worked
        ("2025-01-26", True),
        ("2025-10-08", False),
        ("2024-06-10", False),  # Dragon Boat, a Monday
        ("2023-01-29", True),
        ("2026-11-30", True),  # an ordinary Monday
        ("2026-11-29", False),  # an ordinary Sunday
    ],
)
def test_is_working_day(day, working):
    assert workdays.is_working_day(d(day)) is working


def test_a_period_across_national_day_2026():
    # Mon 28, Tue 29, Wed 30 Sep (1–3); 1–7 Oct off; Thu 8, Fri 9, Sat 10 (worked) (4–6);
    # 12–16 Oct (7–11); 19–22 Oct (12–15).
    assert workdays.add_working_days(d("2026-09-28"), 15) == d("2026-10-22")
    assert workdays.working_days_between(d("2026-09-28"), d("2026-10-22")) == 15


def test_a_period_starting_on_a_holiday_counts_from_the_next_working_day():
    # 1 Oct 2026 is a holiday: day 1 is Thu 8 Oct, day 3 Sat 10 Oct (worked).
    assert workdays.add_working_days(d("2026-10-01"), 1) == d("2026-10-08")
    assert workdays.add_working_days(d("2026-10-01"), 3) == d("2026-10-10")
    assert workdays.add_working_days(d("2026-09-28"), 1) == d("2026-09-28")


def test_a_period_across_the_spring_festival_2026():
    # Fri 13 Feb (1), Sat 14 Feb worked (2); 15–23 Feb off; Tue 24–Fri 27 (3–6), Sat 28 worked (7)
    assert workdays.add_working_days(d("2026-02-13"), 7) == d("2026-02-28")


def test_outside_the_covered_years_only_weekends_count():
    assert not workdays.is_covered(d("2030-10-01"))
    assert workdays.is_covered(d("2026-10-01"))
    assert workdays.is_working_day(d("2030-10-01"))  # a Tuesday, no data
    assert not workdays.covers(d("2026-12-20"), d("2027-01-20"))
    # Mon 2 Dec 2030 + 15 working days, weekends only: 20 Dec 2030
    assert workdays.add_working_days(d("2030-12-02"), 15) == d("2030-12-20")


def test_every_year_names_its_source():
    for year in (2023, 2024, 2025, 2026):
        assert "国办发明电" in workdays.source_for(d(f"{year}-06-01"))
        assert "verify" in workdays.source_for(d(f"{year}-06-01"))
    assert workdays.holidays_between(d("2026-09-28"), d("2026-10-22")) == [
        ("国庆节", "National Day")
    ]
