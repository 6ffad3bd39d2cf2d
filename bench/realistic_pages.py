"""Heavy, real-site-like article pages around the synthetic corpus's article texts.

    python bench/realistic_pages.py CORPUS_DIR OUT_DIR [--base-url http://127.0.0.2:8000] [--seed 7]

`flows/demo/site.py` serves lean pages (a few KB: a header, a cookie line, the article, three
related links). Real news pages are 30-200 KB of which the article is 2-5 %: inline CSS, several
inline scripts (consent manager, analytics, ad slots, a hydration blob that repeats the article),
JSON-LD, a mega-menu with hundreds of links, a cookie banner, share widgets, inline "read more"
teasers and ad slots inside the article, a newsletter box, related and most-read lists with teaser
sentences, a comment section with readers' sentences, and a long footer. This module renders such
a page for a `CorpusArticle`, deterministic for a seed and an article id.

The page size is drawn per article, log-uniform between 30 and 200 KB; boilerplate blocks are
added until the page reaches it, so the text-to-markup ratio varies like on real sites. The fixed
furniture (menu, banner, widgets, lists, comments) alone is about 50 KB, so in practice pages are
about 52-200 KB (median about 76 KB).
`render_page()` is the library entry point; the command line writes `OUT_DIR/<article id>.html`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import sys
from html import escape
from pathlib import Path

MIN_BYTES = 30_000
MAX_BYTES = 200_000

_WORDS = ("market", "season", "council", "budget", "coach", "winter", "garden", "recipe", "travel", "school",
          "housing", "energy", "museum", "festival", "transport", "health", "science", "climate", "election",
          "football", "tennis", "review", "opinion", "podcast", "video", "gallery", "weather", "traffic",
          "property", "jobs", "culture", "books", "film", "music", "food", "style", "technology", "money")
_SECTIONS = ("News", "World", "Politics", "Business", "Markets", "Tech", "Science", "Health", "Sport",
             "Football", "Culture", "Books", "Film", "Music", "Travel", "Food", "Style", "Opinion",
             "Weather", "Podcasts", "Video", "Puzzles", "Obituaries", "Letters")
_COMMENTERS = ("riverwatch", "old_sailor", "J. Peters", "mkovac", "truthseeker77", "Ann from the coast",
               "dmitri_b", "localreader", "Green Valley", "skeptic42", "HarbourLife", "pmoravec")
_COMMENTS = (
    "This is exactly what everyone here has been saying for years and nobody listened.",
    "I was there on the night and the numbers in this article are far too low.",
    "Why does it always take a disaster before anyone in the capital pays attention?",
    "My cousin works at the plant and says the management knew about the problem.",
    "Sad news. Thoughts with all the families.",
    "The government has denied everything again, as usual.",
    "Nobody was hurt, the local radio said so this morning.",
    "Can the paper please check its figures, the regional office gave a different number.",
    "Another article that tells us nothing new. When will the report be published?",
    "I have lived here for forty years and have never seen anything like it.",
)
_TEASERS = (
    "Officials say the new rules will take effect next month after a long consultation.",
    "The club confirmed the signing on Tuesday after weeks of speculation.",
    "Prices rose for the third month in a row, according to the statistics office.",
    "Here is everything we know so far about the plans and what they mean for you.",
    "Critics say the proposal does not go far enough, while supporters call it a breakthrough.",
    "Ten of the best walks to enjoy this spring, chosen by our readers.",
    "The minister resigned late on Friday, the third departure from the cabinet this year.",
    "Police are appealing for witnesses after the incident near the old harbour.",
    "Our critic gives the new production four stars out of five.",
    "Forecasters warn of heavy rain and strong winds across the north this weekend.",
)


def _rng(seed: int, article_id: str) -> random.Random:
    digest = hashlib.sha256(f"{seed}:{article_id}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def target_size(rng: random.Random) -> int:
    """Log-uniform between MIN_BYTES and MAX_BYTES."""
    return int(math.exp(rng.uniform(math.log(MIN_BYTES), math.log(MAX_BYTES))))


def _hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def _phrase(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(n))


def _css(rng: random.Random, rules: int) -> str:
    out = []
    for _ in range(rules):
        cls = f".{rng.choice(_WORDS)}-{_hex(rng, 5)}"
        props = ";".join(
            f"{rng.choice(('margin', 'padding', 'color', 'background', 'font-size', 'line-height', 'border', 'width'))}:"
            f"{rng.choice(('0', '4px 8px', '#' + _hex(rng, 6), '1.4', '100%', '12px', 'none', 'auto'))}"
            for _ in range(rng.randint(2, 7)))
        out.append(f"{cls}{{{props}}}")
        if rng.random() < 0.15:
            out.append(f"@media (max-width:{rng.choice((480, 768, 1024))}px){{{cls}{{display:none}}}}")
    return "\n".join(out)


def _script_blob(rng: random.Random, approx_chars: int) -> str:
    """Minified-looking JS: an ad/analytics bundle."""
    parts, size = [], 0
    while size < approx_chars:
        name = f"_{_hex(rng, 4)}"
        chunk = (f"function {name}(e,t){{var n=e[\"{rng.choice(_WORDS)}\"]||{{}};"
                 f"if(!n.{rng.choice(_WORDS)})return t({rng.randint(0, 999)});"
                 f"for(var r=0;r<n.length;r++){{window.dataLayer.push({{event:\"{rng.choice(_WORDS)}_{_hex(rng, 3)}\","
                 f"slot:\"/{rng.randint(1000, 99999)}/{rng.choice(_WORDS)}/{rng.choice(_WORDS)}\",size:[[300,250],[728,90]]}})}}"
                 f"return \"{_hex(rng, 24)}\"}}")
        parts.append(chunk)
        size += len(chunk)
    return ";".join(parts)


def _svg(rng: random.Random) -> str:
    d = " ".join(f"{rng.choice('MLCQ')}{rng.randint(0, 24)}.{rng.randint(0, 99)} {rng.randint(0, 24)}.{rng.randint(0, 99)}"
                 for _ in range(rng.randint(12, 40)))
    return f'<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="{d}z"/></svg>'


def _mega_menu(rng: random.Random, base: str) -> str:
    cols = []
    for section in _SECTIONS:
        slug = section.lower()
        links = "".join(
            f'<li><a href="{base}/{slug}/{w}" data-track="nav|{slug}|{w}">{escape(w.capitalize())}</a></li>'
            for w in rng.sample(_WORDS, rng.randint(5, 12)))
        cols.append(f'<li class="menu-col"><a href="{base}/{slug}" class="menu-head">{section}</a>'
                    f'<ul class="submenu">{links}</ul></li>')
    return f'<nav class="mega-menu" aria-label="Main"><ul class="menu">{"".join(cols)}</ul></nav>'


def _cookie_banner(outlet: str) -> str:
    return f"""<div id="consent" class="cmp-banner" role="dialog" aria-modal="true" aria-labelledby="cmp-title">
<h2 id="cmp-title">We value your privacy</h2>
<p>{escape(outlet)} and our 843 partners store and access information on your device, such as cookies, and
process personal data, such as unique identifiers and standard information sent by a device, for personalised
advertising and content, advertising and content measurement, audience research and services development.</p>
<p>With your permission we and our partners may use precise geolocation data and identification through device
scanning. You may click to consent to our and our partners' processing as described above. Alternatively you may
access more detailed information and change your preferences before consenting or to refuse consenting.</p>
<div class="cmp-buttons"><button class="cmp-accept">Accept all</button><button class="cmp-reject">Reject all</button>
<button class="cmp-more">More options</button></div></div>"""


def _share(rng: random.Random, url: str, title: str) -> str:
    nets = ("facebook", "x", "whatsapp", "linkedin", "reddit", "email", "copy-link")
    items = "".join(
        f'<li><a class="share-{n}" href="https://share.example/{n}?u={escape(url)}&amp;t={escape(title)}" '
        f'rel="noopener" target="_blank">{_svg(rng)}<span class="sr-only">Share on {n}</span></a></li>'
        for n in nets)
    return f'<div class="share-tools"><span>Share this article</span><ul>{items}</ul></div>'


def _teaser_list(rng: random.Random, base: str, heading: str, cls: str, count: int) -> str:
    items = []
    for i in range(count):
        section = rng.choice(_SECTIONS).lower()
        title = f"{_phrase(rng, rng.randint(3, 7)).capitalize()}"
        items.append(
            f'<li class="teaser"><a href="{base}/{section}/{_hex(rng, 8)}-{i}"><img src="{base}/img/{_hex(rng, 16)}.jpg" '
            f'alt="" loading="lazy" width="320" height="180"><h3>{escape(title)}</h3></a>'
            f'<p class="standfirst">{escape(rng.choice(_TEASERS))}</p><span class="kicker">{section}</span></li>')
    return f'<section class="{cls}"><h2>{heading}</h2><ul>{"".join(items)}</ul></section>'


def _comments(rng: random.Random, count: int) -> str:
    items = []
    for i in range(count):
        text = " ".join(rng.sample(_COMMENTS, rng.randint(1, 3)))
        items.append(
            f'<li class="comment" id="c{_hex(rng, 10)}"><div class="comment-meta"><span class="user">'
            f'{escape(rng.choice(_COMMENTERS))}</span> <time>{rng.randint(1, 23)} hours ago</time></div>'
            f'<div class="comment-body"><p>{escape(text)}</p></div><div class="comment-actions">'
            f'<button>Reply</button> <button>Report</button> <span class="likes">{rng.randint(0, 300)}</span></div></li>')
    return (f'<section id="comments" class="comments"><h2>Comments ({count})</h2>'
            f'<p class="comment-rules">Comments are moderated. Please keep it civil.</p><ol>{"".join(items)}</ol></section>')


def _footer(rng: random.Random, base: str, outlet: str, year: int) -> str:
    groups = []
    for head in ("Sections", "About us", "Services", "Legal", "Follow us"):
        links = "".join(f'<li><a href="{base}/{_hex(rng, 6)}">{escape(_phrase(rng, 2).title())}</a></li>'
                        for _ in range(rng.randint(6, 14)))
        groups.append(f"<div class=\"footer-col\"><h4>{head}</h4><ul>{links}</ul></div>")
    return (f'<footer class="site-footer">{"".join(groups)}<p class="legal">&copy; {year} {escape(outlet)} Media Ltd. '
            f'All rights reserved. Registered in England and Wales No. {rng.randint(1000000, 9999999)}. '
            f'Reproduction without permission is prohibited.</p></footer>')


def render_page(article, base_url: str, feed_url: str, seed: int = 7) -> bytes:
    """A heavy page (30-200 KB) for a `flows.demo.site.CorpusArticle`-like object."""
    rng = _rng(seed, article.id)
    target = target_size(rng)
    e = escape
    url = base_url + article.url_path
    iso = article.published.isoformat().replace("+00:00", "Z")
    body_text = "\n".join(article.paragraphs)
    ld = {
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": article.title,
        "datePublished": iso, "dateModified": iso, "author": [{"@type": "Person", "name": article.author}],
        "publisher": {"@type": "Organization", "name": article.outlet,
                      "logo": {"@type": "ImageObject", "url": base_url + "/static/logo.png"}},
        "mainEntityOfPage": url, "description": article.summary, "articleBody": body_text,
        "image": [f"{base_url}/img/{_hex(rng, 16)}.jpg"], "isAccessibleForFree": True,
    }
    hydration = {"props": {"pageProps": {"article": {"id": article.id, "headline": article.title,
                                                     "body": [{"type": "p", "text": p} for p in article.paragraphs],
                                                     "tags": rng.sample(_WORDS, 6)},
                                         "ads": {"slots": [f"/{rng.randint(1000, 99999)}/{w}" for w in rng.sample(_WORDS, 8)]}}},
                 "buildId": _hex(rng, 20), "page": "/[section]/[...slug]"}

    # the article, with inline ad slots and "read more" teasers between paragraphs
    paras = []
    for i, p in enumerate(article.paragraphs):
        paras.append(f'<p class="body-text">{e(p)}</p>')
        if i == 1:
            paras.append(f'<figure class="lead-image"><img src="{base_url}/img/{_hex(rng, 16)}.jpg" alt="" width="1200" '
                         f'height="675"><figcaption>Archive picture. Photo: {e(rng.choice(_COMMENTERS))} / Agency'
                         f'</figcaption></figure>')
        if i % 3 == 2:
            paras.append(f'<div class="ad-slot" id="div-gpt-ad-{_hex(rng, 12)}" data-slot="inline{i}" '
                         f'style="min-height:250px"></div>')
        if i == 3:
            paras.append(f'<aside class="read-more"><strong>Read more:</strong> <a href="{base_url}/news/{_hex(rng, 8)}">'
                         f'{e(rng.choice(_TEASERS))}</a></aside>')

    head = f"""<!DOCTYPE html>
<html lang="en-GB" class="no-js">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(article.title)} | {e(article.outlet)}</title>
<meta name="description" content="{e(article.summary)}">
<meta name="author" content="{e(article.author)}">
<meta name="robots" content="max-image-preview:large">
<meta property="og:type" content="article">
<meta property="og:site_name" content="{e(article.outlet)}">
<meta property="og:title" content="{e(article.title)}">
<meta property="og:description" content="{e(article.summary)}">
<meta property="og:url" content="{e(url)}">
<meta property="og:image" content="{base_url}/img/{_hex(rng, 16)}.jpg">
<meta name="twitter:card" content="summary_large_image">
<meta property="article:published_time" content="{iso}">
<meta property="article:section" content="{e(rng.choice(_SECTIONS))}">
<link rel="canonical" href="{e(url)}">
<link rel="alternate" type="application/rss+xml" href="{e(feed_url)}" title="{e(article.outlet)}">
<link rel="preload" href="{base_url}/static/fonts/{_hex(rng, 8)}.woff2" as="font" crossorigin>
<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>
<script>window.dataLayer=window.dataLayer||[];(function(w,d){{w.__cmp=w.__cmp||function(){{(w.__cmp.q=w.__cmp.q||[]).push(arguments)}};}})(window,document);</script>
"""
    top = f"""</head>
<body class="article-page section-{rng.choice(_SECTIONS).lower()}">
<a class="skip-link" href="#main">Skip to main content</a>
{_cookie_banner(article.outlet)}
<div class="breaking-ticker"><span>Breaking</span> <a href="{base_url}/news/{_hex(rng, 8)}">{e(rng.choice(_TEASERS))}</a></div>
<header class="site-header"><a class="logo" href="{base_url}/">{_svg(rng)}<span>{e(article.outlet)}</span></a>
<form class="search" action="{base_url}/search"><input name="q" placeholder="Search"><button>Search</button></form>
<a class="subscribe" href="{base_url}/subscribe">Subscribe from 1 euro a week</a></header>
{_mega_menu(rng, base_url)}
<div class="ad-slot leaderboard" id="div-gpt-ad-{_hex(rng, 12)}" style="min-height:90px"></div>
<main id="main">
<article class="story" itemscope itemtype="https://schema.org/NewsArticle">
<nav class="breadcrumbs"><a href="{base_url}/">Home</a> &rsaquo; <a href="{base_url}/news">News</a></nav>
<h1 itemprop="headline">{e(article.title)}</h1>
<p class="standfirst">{e(article.summary)}</p>
<div class="byline">By <a rel="author" href="{base_url}/authors/{_hex(rng, 6)}">{e(article.author)}</a>
<time datetime="{iso}">{article.published.strftime('%d %B %Y, %H:%M')} UTC</time></div>
{_share(rng, url, article.title)}
<div class="article-body" itemprop="articleBody">
{chr(10).join(paras)}
</div>
<div class="newsletter-box"><h3>Get the morning briefing</h3><p>Sign up for our newsletter and get the day's top
stories in your inbox every morning. You can unsubscribe at any time.</p><form><input type="email"
placeholder="Your email"><button>Sign up</button></form></div>
{_share(rng, url, article.title)}
<div class="tags">{''.join(f'<a href="{base_url}/topic/{w}">{w}</a>' for w in rng.sample(_WORDS, 5))}</div>
</article>
"""
    bottom_parts = [
        _teaser_list(rng, base_url, "Related stories", "related", rng.randint(4, 8)),
        _comments(rng, rng.randint(3, 25)),
    ]
    tail = (f"</main>\n{_teaser_list(rng, base_url, 'Most read', 'most-read', 10)}\n"
            f"{_footer(rng, base_url, article.outlet, article.published.year)}\n"
            f"<script id=\"__NEXT_DATA__\" type=\"application/json\">{json.dumps(hydration, ensure_ascii=False)}</script>\n")
    end = "</body>\n</html>\n"

    # Pad with what real pages are made of until the target size is reached.
    styles: list[str] = []
    scripts: list[str] = []
    extra: list[str] = []
    size = sum(len(x.encode()) for x in (head, top, tail, end, *bottom_parts))
    while size < target:
        room = target - size
        choice = rng.random()
        if choice < 0.4:
            block = f"<style>{_css(rng, max(5, min(120, room // 120)))}</style>\n"
            styles.append(block)
        elif choice < 0.8:
            block = f"<script>{_script_blob(rng, max(500, min(12_000, room)))}</script>\n"
            scripts.append(block)
        else:
            block = _teaser_list(rng, base_url, rng.choice(("More from this section", "Recommended for you",
                                                          "Sponsored", "In pictures")), "promo", rng.randint(4, 10)) + "\n"
            extra.append(block)
        size += len(block.encode())
    page = head + "".join(styles) + top + "".join(bottom_parts) + "".join(extra) + tail + "".join(scripts) + end
    return page.encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus_dir", type=Path)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--base-url", default="http://127.0.0.2:8000")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1].parent))
    from factcheck.flows.demo.site import load_corpus

    corpus = load_corpus(args.corpus_dir)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    sizes = []
    for art in corpus.articles:
        body = render_page(art, args.base_url, f"{args.base_url}/feeds/{art.outlet_slug}.xml", args.seed)
        (args.out_dir / f"{art.id}.html").write_bytes(body)
        sizes.append(len(body))
    sizes.sort()
    print(f"wrote {len(sizes)} pages to {args.out_dir}: median {sizes[len(sizes) // 2] / 1000:.0f} KB, "
          f"min {sizes[0] / 1000:.0f} KB, max {sizes[-1] / 1000:.0f} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
