"""The iCalendar feed, parsed back with the icalendar library."""

from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from sales.domain.ical import CalendarEntry, activity_calendar

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


def entry(kind, **kwargs):
    base = dict(id=f"id-{kind}", type=kind, subject=f"{kind} subject", notes=None, due_at=None,
                start_at=None, end_at=None, completed_at=None, updated_at=NOW,
                created_at=NOW, version=1)
    return CalendarEntry(**{**base, **kwargs})


def test_meetings_are_events_and_tasks_and_calls_are_todos():
    text = activity_calendar([
        entry("meeting", start_at=NOW, end_at=NOW + timedelta(hours=1),
              subject="Demo; pricing, next steps", notes="Agenda:\nA, B; C\\D " + "x" * 200),
        entry("task", due_at=NOW + timedelta(days=1)),
        entry("call", due_at=NOW, completed_at=NOW, version=3),
        entry("email"),
    ], name="ann", now=NOW)
    assert text.startswith("BEGIN:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))  # folded
    assert "Demo\\; pricing\\, next steps" in text  # escaped on the wire
    calendar = Calendar.from_ical(text)
    assert calendar["version"] == "2.0" and calendar["prodid"]
    events = calendar.walk("VEVENT")
    todos = calendar.walk("VTODO")
    assert len(events) == 1 and len(todos) == 2  # the logged email is not a plan
    meeting = events[0]
    assert str(meeting["uid"]) == "id-meeting@sales.crm"
    assert meeting.decoded("dtstart") == NOW
    assert meeting.decoded("dtend") == NOW + timedelta(hours=1)
    assert meeting.decoded("dtstamp") == NOW
    assert str(meeting["summary"]) == "Demo; pricing, next steps"
    assert str(meeting["description"]).startswith("Agenda:\nA, B; C\\D x")
    call = next(todo for todo in todos if str(todo["uid"]).startswith("id-call"))
    assert str(call["status"]) == "COMPLETED" and int(call["sequence"]) == 2
    task = next(todo for todo in todos if str(todo["uid"]).startswith("id-task"))
    assert task.decoded("due") == NOW + timedelta(days=1)
    assert str(task["status"]) == "NEEDS-ACTION"


def test_an_empty_feed_is_still_a_calendar():
    calendar = Calendar.from_ical(activity_calendar([], name="nobody", now=NOW))
    assert calendar.walk("VEVENT") == [] and calendar.walk("VTODO") == []
