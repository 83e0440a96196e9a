"""Times as a learner reads them: the API's UTC, and in Japanese also Japan Standard Time beside it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from .i18n import current_language

JST = timezone(timedelta(hours=9), "JST")  # Japan has no daylight saving time: always UTC+9


def in_jst(value: datetime | str | None) -> str | None:
    """``value`` (a datetime or the API's ISO 8601 text) as "YYYY-MM-DD HH:MM:SS JST"; None when it
    is not a time, or lies past what a datetime can hold (a replayed token's 9999-12-31 expiry)."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    if value.tzinfo is None:  # the APIs write UTC; Nova sometimes leaves the zone out
        value = value.replace(tzinfo=timezone.utc)
    try:
        return value.astimezone(JST).strftime("%Y-%m-%d %H:%M:%S JST")
    except OverflowError:
        return None


def with_jst(value: datetime | str | None) -> str:
    """The time as the API gave it, with JST beside it when the learner reads Japanese."""
    text = value.isoformat() if isinstance(value, datetime) else str(value)
    local = in_jst(value) if current_language() == "ja" else None
    return f"{text} ({local})" if local else text
