"""Opening hours are evaluated in Moroccan local time."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from dalil.i18n import LRI, PDI
from knowledge.opening import OpeningHours, hours_text, is_open

WEEKDAYS_9_TO_15 = [OpeningHours(d, time(9), time(15)) for d in range(5)]


def test_open_during_hours_local_time() -> None:
    """Monday 10:00 in Casablanca is within Monday 09:00–15:00."""
    at = datetime(2026, 11, 30, 10, 0, tzinfo=ZoneInfo("Africa/Casablanca"))
    assert is_open(WEEKDAYS_9_TO_15, at)


def test_closed_at_closing_time_and_on_weekends() -> None:
    """Closing time is exclusive and Saturday has no interval."""
    morocco = ZoneInfo("Africa/Casablanca")
    assert not is_open(WEEKDAYS_9_TO_15, datetime(2026, 11, 30, 15, 0, tzinfo=morocco))
    assert not is_open(WEEKDAYS_9_TO_15, datetime(2026, 12, 5, 10, 0, tzinfo=morocco))


def test_utc_is_converted_to_moroccan_time() -> None:
    """08:30 UTC is 09:30 in Morocco (UTC+1 outside Ramadan): open; 14:30 UTC is 15:30: closed."""
    assert is_open(WEEKDAYS_9_TO_15, datetime(2026, 11, 30, 8, 30, tzinfo=UTC))
    assert not is_open(WEEKDAYS_9_TO_15, datetime(2026, 11, 30, 14, 30, tzinfo=UTC))


def test_naive_datetime_is_local_time() -> None:
    """A naive datetime is read as Moroccan local time."""
    assert is_open(WEEKDAYS_9_TO_15, datetime(2026, 11, 30, 9, 0))
    assert not is_open(WEEKDAYS_9_TO_15, datetime(2026, 11, 30, 8, 59))


def test_no_hours_means_never_known_open() -> None:
    """Without hours, nothing is claimed open."""
    assert not is_open([], datetime(2026, 11, 30, 10, 0, tzinfo=UTC))


def test_hours_text_groups_by_day_in_each_language() -> None:
    """Days in order, abbreviated in the reader's language; several ranges on one day."""
    hours = [
        OpeningHours(1, time(14), time(16)),
        OpeningHours(0, time(9), time(12)),
        OpeningHours(1, time(9), time(12)),
    ]
    assert hours_text(hours, "en") == "Mon 09:00–12:00, Tue 09:00–12:00 14:00–16:00"
    assert hours_text(iter(hours), "fr") == "lun. 09:00–12:00, mar. 09:00–12:00 14:00–16:00"
    assert hours_text([], "es") == ""


def test_hours_text_isolates_times_in_right_to_left_text() -> None:
    """In Arabic each time range is a left-to-right isolate and days take the Arabic comma."""
    hours = [OpeningHours(0, time(9), time(12)), OpeningHours(1, time(9), time(12))]
    assert hours_text(hours, "ar") == (
        f"الاثنين {LRI}09:00–12:00{PDI}، الثلاثاء {LRI}09:00–12:00{PDI}"
    )
