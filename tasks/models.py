"""Typed data passed between the pipeline's stages.

Stages exchange these plain, picklable dataclasses (never clients or sessions), so that each
stage can be tested alone and Prefect can hash and persist task inputs and results.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

# --- feeds -----------------------------------------------------------------------------------

FeedStatus = Literal["fetched", "not_modified", "failed"]


@dataclass(frozen=True)
class FeedSource:
    """One `[[feeds]]` table of a feeds file."""

    outlet: str
    url: str


@dataclass(frozen=True)
class FeedEntry:
    """One item of a parsed feed, before its page is fetched."""

    outlet: str
    feed_url: str
    link: str | None
    title: str | None = None
    summary: str | None = None
    content: str | None = None  # full text when the feed carries it (content:encoded, atom content)
    author: str | None = None
    published_at: datetime | None = None  # timezone-aware UTC
    entry_id: str | None = None


@dataclass(frozen=True)
class InputIssue:
    """A problem with one input (a feed, an entry, a page) that a run records and goes on: the
    stages return these as data, the Prefect task stores them with the run."""

    stage: str  # "feed", "entry", "page", ...
    subject: str  # the feed URL, the entry's link, ...
    status: str  # short: "failed", "skipped: no link", "no date", ...
    message: str | None = None


@dataclass(frozen=True)
class EntryTriage:
    """A fetched feed's entries sorted out: the ones to fetch, by canonical URL (one entry per
    article), and the problems of the others."""

    fresh: dict[str, FeedEntry]
    issues: tuple[InputIssue, ...] = ()


# How a fetch failed, for the feed's back-off: "hard" will not fix itself (a wrong address, a
# refusal, TLS, not a feed, a body over the cap), "http" is the server answering 404/410/429/5xx,
# "transient" may pass (a timeout, a dropped connection).
FailureKind = Literal["hard", "http", "transient"]


@dataclass(frozen=True)
class FeedFetch:
    """Outcome of one conditional GET of a feed plus parsing of its bytes."""

    source: FeedSource
    status: FeedStatus
    http_status: int | None = None
    final_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    entries: tuple[FeedEntry, ...] = ()
    warning: str | None = None  # e.g. feedparser's bozo exception when entries still parsed
    error: str | None = None  # set when status == "failed"
    retry_after_s: float | None = None  # the server's Retry-After on a failed fetch (429/503)
    failure: FailureKind | None = None  # set when status == "failed": what the back-off weighs


@dataclass(frozen=True)
class FeedBackoff:
    """A feed's failure streak and what it decides: when the feed is due again, whether it is
    disabled. Read from the database, decided by tasks/feeds/backoff.py after each fetch, stored again."""

    consecutive_failures: int = 0
    failure_score: float = 0.0
    next_fetch_at: datetime | None = None
    disabled_at: datetime | None = None


# --- articles --------------------------------------------------------------------------------

BodySource = Literal["page", "feed_content", "feed_summary"]


@dataclass(frozen=True)
class PageFetch:
    """Raw outcome of fetching an article page (no extraction yet)."""

    url: str
    final_url: str | None
    http_status: int | None
    content_type: str | None
    body: bytes | None
    error: str | None = None


@dataclass(frozen=True)
class Article:
    """An article ready to store: extracted body plus metadata and how it was obtained."""

    url: str  # canonical URL
    outlet: str
    feed_url: str
    title: str | None
    author: str | None
    published_at: datetime | None
    language: str | None
    text: str
    content_hash: str
    body_source: BodySource
    status: str  # "ok", or why a fallback was used, e.g. "fallback: http 404"
    error: str | None = None


# --- claims ----------------------------------------------------------------------------------

Approx = Literal["exact", "about", "at_least", "at_most", "more_than", "less_than", "range"]
SpeakerKind = Literal["quoted", "reported", "outlet", "unknown"]
Polarity = Literal["positive", "negative"]


@dataclass(frozen=True)
class Quantity:
    """A number in a sentence together with what it counts."""

    value: float  # normalised: "1.2 million" -> 1200000, "a third" -> 33.333, "32 percent" -> 32
    text: str  # the span as written, e.g. "at least 14 people"
    start: int
    end: int
    unit: str | None = None  # "percent", "km", "usd", "metre", ... None for bare counts
    counted: str | None = None  # head word of what is counted, e.g. "killed", "people", "workers"
    approx: Approx = "exact"
    upper: float | None = None  # upper bound for ranges ("12 to 15")


@dataclass(frozen=True)
class DateMention:
    """A date or time in a sentence, resolved against the article's publication time."""

    text: str
    start: int
    end: int
    value: date | None  # resolved calendar day (None when it cannot be resolved)
    granularity: Literal["day", "week", "month", "year", "time"] = "day"
    relative: bool = False  # "on Sunday", "last week", "yesterday"


@dataclass(frozen=True)
class Claim:
    """One checkable sentence and what we know about it."""

    text: str
    position: int  # index of the sentence in the article body
    speaker: str  # who asserts it; the outlet's name when nobody is quoted
    speaker_kind: SpeakerKind = "outlet"
    polarity: Polarity = "positive"
    hedged: bool = False  # "may", "expected to", "could", "reportedly"
    numbers: tuple[Quantity, ...] = ()
    dates: tuple[DateMention, ...] = ()
    context: str = ""  # the sentences around it, for reviewers


# --- events ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleText:
    """A stored article as claim extraction needs it: read in one short transaction, split outside it."""

    article_id: int
    outlet: str
    published_at: datetime | None
    language: str | None
    text: str


@dataclass(frozen=True)
class ArticleDigest:
    """What event grouping needs to know about an article."""

    article_id: int
    outlet: str
    published_at: datetime | None
    title: str
    text: str


@dataclass(frozen=True)
class EventDigest:
    """An existing event as event grouping sees it: its articles' digests."""

    event_id: int
    articles: tuple[ArticleDigest, ...]


# --- pairs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """A span of one side of a pair that a detector relied on."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Reason:
    """Why a detector thinks two claims conflict, with the spans it saw."""

    detector: str  # "numeric", "date", "negation", "denial", "status", ...
    message: str  # human sentence, e.g. "killed 14 vs killed 31"
    weight: float  # this reason's own strength in [0, 1]
    evidence_a: tuple[Evidence, ...] = ()
    evidence_b: tuple[Evidence, ...] = ()
    # What the conflict is about, independent of wording ("kill:14|31", "talk:denied"): pairs of
    # one event and two articles with the same detector and topic restate one conflict.
    topic: str = ""

    def as_dict(self) -> dict:
        out = {
            "detector": self.detector,
            "message": self.message,
            "weight": round(self.weight, 4),
            "evidence_a": [e.__dict__ for e in self.evidence_a],
            "evidence_b": [e.__dict__ for e in self.evidence_b],
        }
        if self.topic:
            out["topic"] = self.topic
        return out


@dataclass(frozen=True)
class PairScore:
    """The combined verdict of the detectors on one pair of claims."""

    score: float  # in [0, 1]
    reasons: tuple[Reason, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ClaimRef:
    """A stored claim with the identity needed to form candidate pairs."""

    claim_id: int
    article_id: int
    event_id: int
    outlet: str
    claim: Claim
    published_at: datetime | None = None
