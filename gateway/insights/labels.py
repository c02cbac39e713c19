"""Words of the insights page, marked for the catalogs (the templates are not extracted)."""

from collections.abc import Callable

from dalil.i18n import _, gettext, topic_title

PAGE_LABELS = (
    _("All"),
    _("Answer feedback"),
    _("Answered"),
    _("Answers"),
    _("Bot unavailable"),
    _("Channel"),
    _("City"),
    _("Clarified"),
    _("Conversations"),
    _(
        "Counts of messages and conversations only: no message text and no user is stored for these figures. Any figure from fewer than {n} conversations is hidden."
    ),
    _("Day"),
    _("Days since checked"),
    _("Download CSV"),
    _("Emergencies"),
    _("Emergency"),
    _("Fact"),
    _("Facts served most"),
    _("Feedback rate (%)"),
    _("Fewer than {n} conversations: not shown."),
    _("From"),
    _("Group by"),
    _("Handed to a person"),
    _("Handovers"),
    _("Handovers opened"),
    _("Insights"),
    _("Language"),
    _("Median time to close (minutes)"),
    _("Median wait for a first reply (minutes)"),
    _("Message to a person"),
    _("Messages"),
    _("Most frequent unanswered questions"),
    _("No data for this period."),
    _("No question was left unanswered {n} times or more."),
    _("Not understood"),
    _("Outcome"),
    _("Questions per day"),
    _("Questions per week"),
    _("Show"),
    _("Still open"),
    _("Times shown"),
    _("To"),
    _("Topic"),
    _("Useful (%)"),
    _("Votes"),
    _("Week"),
)

OUTCOME_LABELS = {
    "answered": _("Answered"),
    "clarified": _("Clarified"),
    "fallback": _("Not understood"),
    "handover": _("Handed to a person"),
    "emergency": _("Emergency"),
    "staff": _("Message to a person"),
    "unavailable": _("Bot unavailable"),
}
NOT_GIVEN = _("Not given")


def cell_label(kind: str, value: str, language: str) -> str:
    """How a table's or chart's row is named on the page, in the page's language."""
    if not value:
        return gettext(language, NOT_GIVEN)
    if kind == "topic":
        return topic_title(language, value)
    if kind == "outcome":
        return gettext(language, OUTCOME_LABELS.get(value, value))
    return value


def labeller(kind: str, language: str) -> Callable[[str], str]:
    """`cell_label` for one table, as the charts take it."""
    return lambda value: cell_label(kind, value, language)
