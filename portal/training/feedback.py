"""How a question and its feedback read on the page.

A question's stem, as written in the bank, is the situation followed by what is asked
(quizzes/README.md). The question page puts what is asked in its heading, which is also
the fieldset's legend (the GOV.UK "legend as page heading" pattern), so that a screen
reader announces the question once, with the situation as the fieldset's hint. The
result page explains each answer in the bank's own words, without echoing them: the
bank's option texts are whole sentences and its feedback often begins "Right.", so the
page neither adds a second full stop nor says "right" twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from portal.training.bank import TOPIC_NAMES
from portal.training.models import AttemptQuestion
from portal.training.scoring import scenario_path

# What the bank's feedback says first when the answer it explains was right: the page
# marks the answer right already.
_AGREEING = re.compile(r"^(right|correct|yes)[.!]\s*", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'“‘])")


@dataclass(frozen=True)
class QuestionParts:
    """A stem split into the situation (Markdown, may be empty) and what is asked."""

    situation: str
    asked: str


def question_parts(stem: str) -> QuestionParts:
    """The last paragraph of a stem is what it asks; the paragraphs before set the scene.
    A stem of one paragraph asks from its first sentence that ends in a question mark, or
    else in its last sentence ("Tick every one that she can post.")."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", stem.strip()) if p.strip()]
    if not paragraphs:
        return QuestionParts("", "")
    if len(paragraphs) > 1:
        return QuestionParts("\n\n".join(paragraphs[:-1]), " ".join(paragraphs[-1].split()))
    sentences = _SENTENCE_END.split(" ".join(paragraphs[0].split()))
    first_asking = next((i for i, s in enumerate(sentences) if s.endswith("?")), len(sentences) - 1)
    return QuestionParts(" ".join(sentences[:first_asking]), " ".join(sentences[first_asking:]))


def topic_name(topic: str) -> str:
    """A topic's name in words ("Private use of social media"), never its file slug."""
    return TOPIC_NAMES.get(topic, topic.replace("-", " ").capitalize())


def explanation(feedback: str, *, right: bool) -> str:
    """The bank's feedback on an answer already marked right, without its "Right." or "Yes."."""
    text = " ".join(str(feedback).split())
    if right:
        trimmed = _AGREEING.sub("", text, count=1)
        text = trimmed[:1].upper() + trimmed[1:]
    return text


@dataclass(frozen=True)
class OptionFeedback:
    text: str
    chosen: bool
    right: bool
    explanation: str


@dataclass(frozen=True)
class StepFeedback:
    """One step of a branching scenario as the person went through it."""

    situation: str
    choice: str
    best: bool  # the best choice at that point
    explanation: str


@dataclass(frozen=True)
class QuestionFeedback:
    options: list[OptionFeedback]
    steps: list[StepFeedback]
    ending: str | None


def feedback_for(item: AttemptQuestion) -> QuestionFeedback:
    """What the person chose on one question of a submitted attempt, and why it was right
    or not: every option they chose and every right one; for a scenario, each step they
    took and how the story ended."""
    question = item.question
    answer = [str(key) for key in item.answer or []]
    content: dict[str, Any] = question.content
    if question.kind != "scenario":
        options = [
            OptionFeedback(
                text=str(option["text"]),
                chosen=str(option["key"]) in answer,
                right=option["score"] > 0,
                explanation=explanation(option["feedback"], right=option["score"] > 0),
            )
            for option in content["options"]
            if str(option["key"]) in answer or option["score"] > 0
        ]
        return QuestionFeedback(options, [], None)
    steps: list[StepFeedback] = []
    step: str | None = content["start"]
    for key in answer:
        if step is None:
            break
        choice = next((c for c in content["steps"][step]["choices"] if str(c["key"]) == key), None)
        if choice is None:
            break
        best = choice["score"] >= max(c["score"] for c in content["steps"][step]["choices"])
        steps.append(
            StepFeedback(
                situation=str(content["steps"][step]["text"]),
                choice=str(choice["text"]),
                best=best,
                explanation=explanation(choice["feedback"], right=best),
            )
        )
        step = choice.get("next")
    ending = scenario_path(question, answer)[1]
    return QuestionFeedback([], steps, str(content["endings"][ending]["text"]) if ending else None)
