"""The audit trail's filter: the dates an event happened between, typed as GOV.UK
date inputs like every other date in the portal."""

from __future__ import annotations

from wtforms import Form
from wtforms.validators import Optional

from portal.forms import GovDateField


class DatesForm(Form):
    """A GET form (it changes nothing, so it carries no CSRF token). The fields keep the
    query's names `from` and `to`, which pager links and bookmarks already use."""

    since = GovDateField("From", [Optional()], name="from", named="The first day")
    until = GovDateField("To", [Optional()], name="to", named="The last day")
