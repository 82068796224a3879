from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length


class OverrideForm(FlaskForm):
    person_email = EmailField(
        "Email address of the person", validators=[DataRequired("Enter their email address")]
    )
    quiz = SelectField("Quiz", validators=[DataRequired("Choose a quiz")])
    reason = TextAreaField(
        "Why they may have another attempt", validators=[DataRequired("Write the reason"), Length(max=2000)]
    )


class AssignForm(FlaskForm):
    person_email = EmailField(
        "Email address of the person", validators=[DataRequired("Enter their email address")]
    )
    quiz = SelectField("Quiz", validators=[DataRequired("Choose a quiz")])
    reason = TextAreaField("Why", validators=[DataRequired("Say why they need it"), Length(max=2000)])
