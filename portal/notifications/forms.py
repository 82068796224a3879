from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice

from .models import DIGEST_FREQUENCIES


class PreferencesForm(FlaskForm):
    digest_frequency = RadioField(
        "How often the digest comes",
        choices=[SelectChoice(f, f.capitalize()) for f in DIGEST_FREQUENCIES],
    )
