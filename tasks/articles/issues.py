"""What a run records about an extracted page, decided here as data so that the Prefect task only
stores it (and this is tested without a database)."""

from __future__ import annotations

from collections.abc import Sequence

from factcheck.tasks.models import Article, InputIssue


def analysable_language(language: str | None, languages: Sequence[str]) -> bool:
    """Unknown languages are analysed; the claim rules are English, so others are only stored."""
    return not language or language.split("-")[0].lower() in languages


def page_issues(article: Article, page_url: str, languages: Sequence[str]) -> list[InputIssue]:
    """The issues of one extracted page: no text at all (the article is not stored, the issue
    names the page), or a stored article whose language is not analysed or whose body is not the
    page's own (taken from the feed, cut short: its status says which)."""
    if not article.text.strip():
        return [InputIssue("page", page_url, article.status, article.error)]
    issues = []
    if not analysable_language(article.language, languages):
        issues.append(InputIssue(
            "article", article.url, f"stored, not analysed: language {article.language}",
            f"claims are extracted for: {', '.join(languages)}",
        ))  # fmt: skip
    if article.status != "ok":
        issues.append(InputIssue("page", article.url, article.status, article.error))
    return issues


def duplicate_issue(article: Article) -> InputIssue:
    """The one issue of an article that was already stored (same URL or same text)."""
    return InputIssue("article", article.url, "duplicate", "same URL or same text as a stored article")
