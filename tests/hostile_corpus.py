"""A corpus of hostile feeds and pages of the project's own, served by `LoopbackServer`.

`build(base)` returns the routes to serve and the `[[feeds]]` of a feeds file. Every case has
a stable path, named by the constants below, so the tests can find its feed row, its article
row, its run issues and the requests the server saw. Good pages each tell a different story
(articles are unique by URL *and* by content hash, so two equal bodies would be one article).

Layout (all on one loopback server):

- /control.xml                a good RSS 2.0 feed with two good articles (the control)
- /feeds/<case>.xml           one feed per feed-level case
- /entries/..., /variants/... pages linked from those feeds
- /pages/<case>               hostile article pages, all linked from /feeds/pages.xml
- /bulk?n=<i>                 the pages of the 3,000-entry feed (404, no summary)
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape

from loopback import Route

BULK_ENTRIES = 3000
HUGE_PAGE_BYTES = 400_000  # well over the FACTCHECK_MAX_PAGE_BYTES the test sets
BOMB_BYTES = 50 * 1024 * 1024  # 50 MiB of zeros, about 50 KB gzipped
DATE = "Tue, 03 Mar 2026 09:00:00 GMT"

RSS_TYPE = {"Content-Type": "application/rss+xml; charset=utf-8"}
HTML_TYPE = {"Content-Type": "text/html; charset=utf-8"}


# --- good article pages ------------------------------------------------------------------------

# (town, what, number, cost, weeks): one distinct story per good page.
_STORIES: dict[str, tuple[str, str, int, float, int]] = {
    "/control/one": ("Port Celin", "the northern quay", 14, 3.5, 6),
    "/control/two": ("Varnholm", "the old swing bridge", 9, 2.1, 4),
    "/truncated/one": ("Ostry", "the river lock", 11, 1.4, 3),
    "/charset/latin1": ("Sète", "the fish market hall", 7, 0.9, 5),
    "/charset/missing": ("Zürich-Nord", "the tram depot", 21, 6.2, 9),
    "/variants/rss091": ("Kelmar", "the ferry ramp", 5, 0.7, 2),
    "/variants/rdf": ("Dunmore", "the grain silo", 16, 4.4, 8),
    "/variants/rss20": ("Halvik", "the coastal road", 23, 8.1, 10),
    "/variants/atom": ("Brennock", "the water tower", 4, 0.5, 7),
    "/entries/untitled": ("Lissow", "the fire station", 6, 1.1, 3),
    "/entries/undated": ("Arnhaven", "the sports hall", 12, 2.8, 5),
    "/entries/future": ("Tollcross", "the bus station", 8, 1.9, 6),
    "/entries/iso-offset": ("Marrow Bay", "the lighthouse", 3, 0.4, 2),
    "/entries/rfc822-short": ("Glenbrook", "the town library", 17, 3.3, 4),
    "/entries/slashes": ("Fennick", "the power substation", 19, 5.6, 12),
    "/entries/words": ("Ardley", "the railway footbridge", 13, 2.2, 5),
    "/entries/dup": ("Cresswell", "the harbour crane", 10, 1.7, 3),
    "/relative/root": ("Pellam", "the city museum", 15, 3.9, 11),
    "/feeds/relative-sibling": ("Quenby", "the ice rink", 18, 4.8, 9),
    "/relative/after-guid": ("Rudlow", "the school gym", 22, 7.3, 13),
    "/pages/bad-bytes": ("Stavely", "the covered market", 20, 5.1, 8),
}


def story_paragraphs(path: str) -> list[str]:
    town, what, number, cost, weeks = _STORIES[path]
    return [
        f"The council of {town} said on Tuesday that {what} would close for urgent repairs next month.",
        f"Engineers found cracks in {number} of the supporting beams of {what} during an inspection, "
        "the council said in a statement.",
        f"The closure will last at least {weeks} weeks, and residents were asked to use the temporary "
        "routes that the council will sign-post.",
        f"The repairs are expected to cost {cost} million crowns, to be paid from the council's "
        "reserve fund, a spokeswoman said.",
        f"Local shopkeepers in {town} said the closure would hurt trade during the busiest weeks of the year.",
    ]


def page_html(title: str, paragraphs: Iterable[str], *, charset: str = "utf-8") -> str:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f'<!doctype html><html lang="en"><head><meta charset="{charset}"><title>{escape(title)}</title></head>'
        f"<body><nav>Home | Local | Sport</nav><article><h1>{escape(title)}</h1>{body}</article>"
        "<footer>Copyright The Hostile Herald</footer></body></html>"
    )


def good_page(path: str) -> Route:
    town, what, *_ = _STORIES[path]
    return Route(body=page_html(f"{town} closes {what}", story_paragraphs(path)).encode(), headers=HTML_TYPE)


def title_of(path: str) -> str:
    town, what, *_ = _STORIES[path]
    return f"{town} closes {what}"


# --- feed documents ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    title: str | None
    link: str | None  # written as is: absolute, or relative on purpose
    date: str | None = DATE
    summary: str | None = None
    guid: str | None = None  # written before <link>


def rss2(items: Iterable[Item], *, declaration: str = '<?xml version="1.0" encoding="utf-8"?>') -> str:
    parts = []
    for item in items:
        fields = []
        if item.title is not None:
            fields.append(f"<title>{escape(item.title)}</title>")
        if item.guid is not None:
            fields.append(f"<guid>{escape(item.guid)}</guid>")
        if item.link is not None:
            fields.append(f"<link>{escape(item.link)}</link>")
        if item.date is not None:
            fields.append(f"<pubDate>{escape(item.date)}</pubDate>")
        if item.summary is not None:
            fields.append(f"<description>{escape(item.summary)}</description>")
        parts.append(f"<item>{''.join(fields)}</item>")
    return (
        f'{declaration}<rss version="2.0"><channel><title>The Hostile Herald</title>'
        f"<link>http://example.invalid/</link><description>News</description>{''.join(parts)}</channel></rss>"
    )


def rss091(base: str, path: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        '"http://my.netscape.com/publish/formats/rss-0.91.dtd">'
        '<rss version="0.91"><channel><title>Old Herald</title><link>http://example.invalid/</link>'
        "<description>News</description><language>en</language>"
        f"<item><title>{escape(title_of(path))}</title><link>{base}{path}</link>"
        "<description>A short teaser.</description></item></channel></rss>"
    )


def rss10(base: str, path: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">'
        '<channel rdf:about="http://example.invalid/"><title>RDF Herald</title><link>http://example.invalid/</link>'
        f'<description>News</description><items><rdf:Seq><rdf:li rdf:resource="{base}{path}"/></rdf:Seq></items>'
        f'</channel><item rdf:about="{base}{path}"><title>{escape(title_of(path))}</title><link>{base}{path}</link>'
        "<dc:date>2026-03-03T09:00:00Z</dc:date></item></rdf:RDF>"
    )


def atom(base: str, path: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Atom Herald</title><id>urn:hostile:atom</id><updated>2026-03-03T09:00:00Z</updated>"
        f'<entry><title>{escape(title_of(path))}</title><link rel="alternate" href="{base}{path}"/>'
        "<id>urn:hostile:atom:1</id><updated>2026-03-03T09:00:00Z</updated>"
        "<summary>A short teaser.</summary></entry></feed>"
    )


def html_page_as_feed() -> bytes:
    return page_html("Front page", ["Welcome to our front page, it is not a feed."]).encode()


# --- hostile pages ----------------------------------------------------------------------------

SUMMARY_404 = "The Orlin ferry terminal will close for two weeks of repairs, the port authority of Orlin said."
SUMMARY_500 = "The Tarrow reservoir dam will be inspected after 12 cracks were found, the water board said."
SUMMARY_PDF = "Inspectors found cracks in 31 of the piles of the Wexley pier, the report published on Tuesday said."
SUMMARY_NO_TEXT = "Photos show the flooded Yarrow underpass after 80 millimetres of rain fell in one night."


@functools.cache
def gzip_bomb_route() -> Route:
    return Route.gzipped(b"\0" * BOMB_BYTES, headers=HTML_TYPE)


def bad_bytes_page() -> bytes:
    """Declared UTF-8, with bytes that are not UTF-8 in the middle of the text."""
    html = page_html(title_of("/pages/bad-bytes"), story_paragraphs("/pages/bad-bytes")).encode()
    return html.replace(b"said on Tuesday", b"said on \xff\xfe\xc3(Tuesday", 1)


NO_TEXT_PAGE = (
    b'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Gallery</title></head>'
    b'<body><div class="gallery"><img src="/a.jpg" alt=""><img src="/b.jpg" alt=""></div>'
    b"<script>window.gallery = {slides: 12};</script></body></html>"
)

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


# --- the corpus ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Corpus:
    routes: dict[str, Route]
    feeds: list[tuple[str, str]]  # (outlet, url) in feeds-file order

    def feeds_toml(self) -> str:
        return "\n".join(f'[[feeds]]\noutlet = "{outlet}"\nurl = "{url}"\n' for outlet, url in self.feeds)


# Feed paths.
CONTROL = "/control.xml"
NOT_XML = "/feeds/not-xml.xml"
TRUNCATED = "/feeds/truncated.xml"
LATIN1_DECLARED_UTF8 = "/feeds/latin1.xml"
NO_CHARSET = "/feeds/no-charset.xml"
HTML_FEED = "/feeds/html.xml"
EMPTY = "/feeds/empty.xml"
RSS091 = "/feeds/rss091.xml"
RSS10 = "/feeds/rdf.xml"
RSS20 = "/feeds/rss20.xml"
ATOM = "/feeds/atom.xml"
ENTRIES = "/feeds/entries.xml"
DUP_ELSEWHERE = "/feeds/dup-elsewhere.xml"
BULK = "/feeds/bulk.xml"
PAGES = "/feeds/pages.xml"

GOOD_FEED_PAGES = {  # feed -> the one good page it links to
    RSS091: "/variants/rss091",
    RSS10: "/variants/rdf",
    RSS20: "/variants/rss20",
    ATOM: "/variants/atom",
}

# Odd date strings and what the stored published_at must be (None: not understood).
ODD_DATES = {
    "/entries/iso-offset": ("2026-03-03T09:00:00+05:30", "2026-03-03T03:30:00+00:00"),
    "/entries/rfc822-short": ("Tue, 3 Mar 26 9:00 EST", "2026-03-03T14:00:00+00:00"),
    "/entries/slashes": ("03/03/2026", None),
    "/entries/words": ("yesterday, around noon", None),
}
FUTURE_DATE = ("Fri, 01 Jan 2100 09:00:00 GMT", "2100-01-01T09:00:00+00:00")


def build(base: str) -> Corpus:
    """Routes and feeds for a server whose URLs start with `base` (no trailing slash)."""
    routes: dict[str, Route] = {path: good_page(path) for path in _STORIES}
    routes["/pages/bad-bytes"] = Route(body=bad_bytes_page(), headers=HTML_TYPE)

    def feed(path: str, document: str | bytes, headers: dict[str, str] = RSS_TYPE) -> None:
        routes[path] = Route(body=document.encode() if isinstance(document, str) else document, headers=headers)

    feed(CONTROL, rss2([Item(title_of(p), f"{base}{p}") for p in ("/control/one", "/control/two")]))

    # Feed-level failures and oddities.
    feed(NOT_XML, b"this is { not xml at all }\n")
    whole = rss2([Item(title_of("/truncated/one"), f"{base}/truncated/one"),
                  Item("Cut off", f"{base}/truncated/two")]).encode()
    feed(TRUNCATED, whole[: whole.index(b"Cut off") + 3])  # cut inside the second item's <title>
    feed(LATIN1_DECLARED_UTF8, rss2([Item(title_of("/charset/latin1"), f"{base}/charset/latin1")]).encode("latin-1"))
    feed(NO_CHARSET, rss2([Item(title_of("/charset/missing"), f"{base}/charset/missing")], declaration="").encode(),
         headers={"Content-Type": "application/rss+xml"})
    feed(HTML_FEED, html_page_as_feed(), headers=HTML_TYPE)
    feed(EMPTY, rss2([]))
    feed(RSS091, rss091(base, GOOD_FEED_PAGES[RSS091]))
    feed(RSS10, rss10(base, GOOD_FEED_PAGES[RSS10]), headers={"Content-Type": "application/rdf+xml"})
    feed(RSS20, rss2([Item(title_of("/variants/rss20"), f"{base}/variants/rss20")]))
    feed(ATOM, atom(base, GOOD_FEED_PAGES[ATOM]), headers={"Content-Type": "application/atom+xml"})

    # Entry-level oddities, all in one feed.
    entries = [
        Item("An entry without a link", None),
        Item(None, f"{base}/entries/untitled"),
        Item(title_of("/entries/undated"), f"{base}/entries/undated", date=None),
        Item(title_of("/entries/future"), f"{base}/entries/future", date=FUTURE_DATE[0]),
        *[Item(title_of(p), f"{base}{p}", date=raw) for p, (raw, _) in ODD_DATES.items()],
        Item(title_of("/entries/dup"), f"{base}/entries/dup"),
        Item(title_of("/entries/dup") + " (again)", f"{base}/entries/dup"),
        Item(title_of("/entries/dup") + " (tracked)", f"{base}/entries/dup?utm_source=rss&utm_medium=feed"),
        Item(title_of("/relative/root"), "/relative/root"),
        Item(title_of("/feeds/relative-sibling"), "relative-sibling"),
        Item(title_of("/relative/after-guid"), "/relative/after-guid", guid="story-4711"),
    ]
    feed(ENTRIES, rss2(entries))
    feed(DUP_ELSEWHERE, rss2([Item("Cresswell crane, syndicated", f"{base}/entries/dup")]))

    # 3,000 entries: only FACTCHECK_MAX_ENTRIES_PER_FEED of their pages may be requested.
    feed(BULK, rss2(Item(f"Bulk item {i}", f"{base}/bulk?n={i}") for i in range(BULK_ENTRIES)))
    routes["/bulk"] = Route(status=404, body=b"gone", headers=HTML_TYPE)

    # Hostile pages, all in one feed.
    routes.update({
        "/pages/404": Route(status=404, body=b"not here", headers=HTML_TYPE),
        "/pages/410": Route(status=410, body=b"gone for good", headers=HTML_TYPE),
        "/pages/500": Route(status=500, body=b"oops", headers=HTML_TYPE),
        "/pages/slow": Route(body=good_page("/control/one").body, headers=HTML_TYPE, delay=8.0),
        "/pages/loop-a": Route.redirect("/pages/loop-b"),
        "/pages/loop-b": Route.redirect("/pages/loop-a"),
        "/pages/huge": Route(body=page_html("Huge", ["All work and no play. " * 40] * (HUGE_PAGE_BYTES // 900)).encode(),
                             headers=HTML_TYPE),
        "/pages/bomb": gzip_bomb_route(),
        "/pages/report.pdf": Route(body=b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n",
                                   headers={"Content-Type": "application/pdf"}),
        "/pages/chart.png": Route(body=PNG, headers={"Content-Type": "image/png"}),
        "/pages/no-text": Route(body=NO_TEXT_PAGE, headers=HTML_TYPE),
    })  # fmt: skip
    pages = [
        Item("Gone (404)", f"{base}/pages/404", summary=SUMMARY_404),
        Item("Gone for good (410)", f"{base}/pages/410"),
        Item("Server error (500)", f"{base}/pages/500", summary=SUMMARY_500),
        Item("Slow server", f"{base}/pages/slow"),
        Item("Redirect loop", f"{base}/pages/loop-a"),
        Item("Huge page", f"{base}/pages/huge"),
        Item("Gzip bomb", f"{base}/pages/bomb"),
        Item("A PDF", f"{base}/pages/report.pdf", summary=SUMMARY_PDF),
        Item("A PNG", f"{base}/pages/chart.png"),
        Item(title_of("/pages/bad-bytes"), f"{base}/pages/bad-bytes"),
        Item("Gallery", f"{base}/pages/no-text", summary=SUMMARY_NO_TEXT),
    ]
    feed(PAGES, rss2(pages))

    feeds = [
        ("Control Courier", CONTROL),
        ("Not XML", NOT_XML),
        ("Truncated", TRUNCATED),
        ("Latin-1 declared UTF-8", LATIN1_DECLARED_UTF8),
        ("No Charset", NO_CHARSET),
        ("HTML As Feed", HTML_FEED),
        ("Empty Feed", EMPTY),
        ("RSS 0.91", RSS091),
        ("RSS 1.0", RSS10),
        ("RSS 2.0", RSS20),
        ("Atom 1.0", ATOM),
        ("Odd Entries", ENTRIES),
        ("Syndicator", DUP_ELSEWHERE),
        ("Bulk", BULK),
        ("Hostile Pages", PAGES),
    ]
    return Corpus(routes, [(outlet, f"{base}{path}") for outlet, path in feeds])
