"""`make model`: fit the pair scorer (a logistic regression over the frame features) and write it.

    python -m factcheck.tasks.pairs.training.train --train-dir DIR [--database URL] [--out PATH]
                                                   [--seed 13] [--max-rows N] [--cache-dir DIR]

Featurising needs a parse of every text, which is what takes minutes; features are cached on
disk under a key made of the feature names, the feature code and the spaCy model, so a rerun
with unchanged code is fast. The regularisation strength is chosen by 5-fold cross-validation on
the training rows, and the decision threshold maximises F1 on their out-of-fold predictions; the
held-out rows (the sources' dev splits and perturbations of dev sentences) are only measured.
The output is the JSON that `factcheck.tasks.pairs.scorer.load_scorer` reads; the same seed and
data give the same file.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from factcheck.tasks.pairs.training.dataset import DEFAULT_MAX_ROWS, Row, assemble

C_GRID = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
# Per-source weights on top of class balance: verdicts are the closest to the task; stance sets
# (an argument against a claim is not always a contradiction) are the noisiest.
SOURCE_WEIGHTS = {"reviews": 3.0, "arc": 0.5, "perspectrum": 0.5}
VERSION_PREFIX = "lr-"
CHUNK = 256


def log(*parts: object) -> None:
    print(*parts, file=sys.stderr, flush=True)


# --- featurising, with a disk cache -------------------------------------------------------------


def _feature_modules() -> list[str]:
    names = ["factcheck.tasks.pairs.features", "factcheck.tasks.pairs.align", "factcheck.tasks.pairs.conflicts",
             "factcheck.tasks.language.frames", "factcheck.tasks.language.lexicon", "factcheck.tasks.language.nlp",
             "factcheck.tasks.claims.split", "factcheck.tasks.claims.sentences"]
    import importlib

    files = []
    for name in names:
        try:
            files.append(importlib.import_module(name).__file__ or "")
        except ImportError:
            continue
    return files


def fingerprint(feature_names: Sequence[str]) -> str:
    """What the cached features depend on: their names, the code that computes them, the model."""
    h = hashlib.sha256("\n".join(feature_names).encode())
    for path in _feature_modules():
        if path and Path(path).exists():
            h.update(Path(path).read_bytes())
    try:
        from factcheck.tasks.language.nlp import load_pipeline

        meta = load_pipeline().meta
        h.update(f"{meta.get('name')}-{meta.get('version')}".encode())
    except Exception:  # noqa: BLE001 - the fingerprint only keys a cache
        pass
    return h.hexdigest()[:16]


def row_key(a: str, b: str) -> str:
    return hashlib.sha256(f"{a}\x00{b}".encode()).hexdigest()[:24]


@dataclass(frozen=True)
class FeatureCache:
    path: Path

    def load(self) -> dict[str, list[float]]:
        out: dict[str, list[float]] = {}
        if self.path.exists():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    item = json.loads(line)
                    out[item["k"]] = item["f"]
                except (ValueError, KeyError):
                    continue  # a line cut short by an interrupted run
        return out

    def append(self, items: dict[str, list[float]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as fh:
            for k, f in items.items():
                fh.write(json.dumps({"k": k, "f": f}) + "\n")


def _preparse(rows: Sequence[Row]) -> None:
    """One batched parse for a chunk (nlp.pipe is about twice as fast as one text at a time)."""
    from factcheck.tasks.pairs.detect import prepare_statements

    prepare_statements([side for r in rows for side in (r.a, r.b)])


def featurise(rows: Sequence[Row], cache: FeatureCache | None, label: str = "rows") -> np.ndarray:
    from factcheck.tasks.pairs.features import FEATURE_NAMES, text_pair_features

    known = cache.load() if cache else {}
    keys = [row_key(r.a, r.b) for r in rows]
    todo: list[int] = []
    pending: set[str] = set()
    for i, k in enumerate(keys):
        if k not in known and k not in pending:
            pending.add(k)
            todo.append(i)
    log(f"featurising {label}: {len(rows)} rows, {len(rows) - len(todo)} cached")
    start = last = time.monotonic()
    for n in range(0, len(todo), CHUNK):
        chunk = [rows[i] for i in todo[n:n + CHUNK]]
        _preparse(chunk)
        new = {}
        for r in chunk:
            f = text_pair_features(r.a, r.b)
            new[row_key(r.a, r.b)] = [float(f.get(name, 0.0)) for name in FEATURE_NAMES]
        known.update(new)
        if cache:
            cache.append(new)
        done, now = n + len(chunk), time.monotonic()
        if now - last > 10 or done == len(todo):
            rate = done / max(now - start, 1e-9)
            log(f"  {label}: {done}/{len(todo)} new rows, {rate:.0f} rows/s, eta {(len(todo) - done) / rate:.0f} s")
            last = now
    return np.array([known[k] for k in keys], dtype=float).reshape(len(rows), len(FEATURE_NAMES))


# --- fitting ------------------------------------------------------------------------------------


def sample_weights(rows: Sequence[Row]) -> np.ndarray:
    y = np.array([r.label for r in rows])
    n, pos = len(y), int(y.sum())
    cls = {1: n / (2 * max(pos, 1)), 0: n / (2 * max(n - pos, 1))}
    return np.array([cls[r.label] * SOURCE_WEIGHTS.get(r.source, 1.0) for r in rows])


@dataclass(frozen=True)
class Fit:
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    c: float
    cv_log_loss: float
    oof: np.ndarray  # out-of-fold probabilities at the chosen C


def _lr(c: float, seed: int):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=5000, random_state=seed)


def fit(x: np.ndarray, y: np.ndarray, w: np.ndarray, seed: int) -> Fit:
    """Standardise, choose C by stratified k-fold weighted log loss, refit on all training rows."""
    from sklearn.metrics import log_loss
    from sklearn.model_selection import StratifiedKFold

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = (x - mean) / scale
    folds = min(5, int(y.sum()), int(len(y) - y.sum()))
    best = (float("inf"), 1.0, np.full(len(y), y.mean()))
    if folds >= 2:
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
        splits = list(splitter.split(z, y))
        for c in C_GRID:
            oof = np.zeros(len(y))
            for tr, te in splits:
                model = _lr(c, seed).fit(z[tr], y[tr], sample_weight=w[tr])
                oof[te] = model.predict_proba(z[te])[:, 1]
            loss = log_loss(y, oof, sample_weight=w, labels=[0, 1])
            if loss < best[0] - 1e-9:
                best = (loss, c, oof)
    loss, c, oof = best
    model = _lr(c, seed).fit(z, y, sample_weight=w)
    return Fit(mean, scale, model.coef_[0], float(model.intercept_[0]), c, float(loss), oof)


BETA = 1.0  # F1: F0.5 was tried and cut recall on news to a third (the training mix is not news)


def choose_threshold(y: np.ndarray, p: np.ndarray) -> float:
    """The probability cut that maximises F-beta (ties: the higher cut)."""
    best_f, best_t = -1.0, 0.5
    for t in np.unique(np.round(p, 4)):
        pred = p >= t
        tp = float((pred & (y == 1)).sum())
        precision = tp / max(1.0, float(pred.sum()))
        recall = tp / max(1.0, float((y == 1).sum()))
        f = (1 + BETA**2) * precision * recall / max(1e-12, BETA**2 * precision + recall)
        if f > best_f + 1e-12 or (abs(f - best_f) <= 1e-12 and t > best_t):
            best_f, best_t = f, float(t)
    return best_t


def calibrate(f: Fit, threshold: float) -> Fit:
    """Shift the bias so that the chosen cut becomes 0.5, the pipeline's default threshold
    (FACTCHECK_PAIR_THRESHOLD): a score then reads the same whatever the training balance."""
    t = min(max(threshold, 1e-6), 1 - 1e-6)
    return dataclasses.replace(f, bias=f.bias - float(np.log(t / (1 - t))))


def prf(y: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    y, pred = np.asarray(y, dtype=bool), np.asarray(pred, dtype=bool)
    tp = int((y & pred).sum())
    fp = int((~y & pred).sum())
    fn = int((y & ~pred).sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4), "n": int(len(y)),
            "positives": int(y.sum())}


def probabilities(f: Fit, x: np.ndarray) -> np.ndarray:
    z = f.bias + ((x - f.mean) / f.scale) @ f.weights
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


def heldout_metrics(rows: Sequence[Row], p: np.ndarray, threshold: float) -> dict:
    y = np.array([r.label for r in rows])
    pred = p >= threshold
    out: dict = {"overall": prf(y, pred), "by_source": {}, "by_kind": {}}
    for name in sorted({r.source for r in rows}):
        mask = np.array([r.source == name for r in rows])
        out["by_source"][name] = prf(y[mask], pred[mask])
    for kind in sorted({r.kind for r in rows if r.source == "perturb"}):
        mask = np.array([r.source == "perturb" and r.kind == kind for r in rows])
        got = prf(y[mask], pred[mask])
        out["by_kind"][kind] = {"n": got["n"], "label": int(y[mask][0]),
                                "flagged": round(float(pred[mask].mean()), 4)}
    return out


def model_json(f: Fit, threshold: float, feature_names: Sequence[str], seed: int, trained_on: dict,
               metrics: dict) -> dict:
    def r(v) -> float:
        return float(f"{float(v):.6g}")

    body = {
        "kind": "logistic",
        "features": list(feature_names),
        "mean": [r(v) for v in f.mean],
        "scale": [r(v) for v in f.scale],
        "weights": [r(v) for v in f.weights],
        "bias": r(f.bias),
        "threshold": r(threshold),
    }
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:10]
    return {"kind": "logistic", "version": VERSION_PREFIX + digest, **{k: v for k, v in body.items() if k != "kind"},
            "seed": seed, "trained_on": trained_on, "metrics": metrics}


def _gated(p: np.ndarray, x: np.ndarray) -> np.ndarray:
    """End-to-end probabilities: 0 where no slot conflict was found, as in production."""
    from factcheck.tasks.pairs.features import FEATURE_NAMES

    out = p.copy()
    out[x[:, FEATURE_NAMES.index("c_any")] <= 0] = 0.0
    return out


# --- command line -------------------------------------------------------------------------------


def default_out() -> Path:
    from factcheck.tasks.pairs.scorer import MODEL_PATH

    return MODEL_PATH


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="factcheck-train", description="Fit the contradiction pair scorer.")
    parser.add_argument("--train-dir", type=Path, required=True, help="folder of *.jsonl.gz NLI/stance sets")
    parser.add_argument("--database", help="factcheck database URL whose reviewer verdicts are added")
    parser.add_argument("--out", type=Path, default=None, help="model JSON (default: the packaged scorer.json)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--max-rows", type=int, default=DEFAULT_MAX_ROWS, help="training rows before verdicts")
    parser.add_argument("--cache-dir", type=Path, default=Path(tempfile.gettempdir()) / "factcheck-train-cache")
    parser.add_argument("--no-cache", action="store_true")
    args = parser.parse_args(argv)

    from factcheck.tasks.pairs.features import FEATURE_NAMES

    t0 = time.monotonic()
    log(f"assembling rows from {args.train_dir} (seed {args.seed}, max {args.max_rows})")
    data = assemble(args.train_dir, seed=args.seed, max_rows=args.max_rows, database_url=args.database, log=log)
    if not data.train:
        log("no training rows")
        return 2
    cache = None if args.no_cache else FeatureCache(args.cache_dir / f"features-{fingerprint(FEATURE_NAMES)}.jsonl")
    t1 = time.monotonic()
    x = featurise(data.train, cache, "training rows")
    xh = featurise(data.heldout, cache, "held-out rows") if data.heldout else np.zeros((0, len(FEATURE_NAMES)))
    t2 = time.monotonic()
    y_all = np.array([r.label for r in data.train])
    # The scorer decides among pairs that have an explicit slot conflict: a pair without one scores
    # 0 whatever its features (every stored pair must explain itself), so only such pairs teach it.
    gate = x[:, FEATURE_NAMES.index("c_any")] > 0
    x, y, weights = x[gate], y_all[gate], sample_weights(data.train)[gate]
    log(f"{int(gate.sum())} of {len(gate)} training rows have a slot conflict "
        f"({int(y.sum())} contradictions among them; {int(y_all.sum())} in all)")
    if len(y) == 0 or y.min() == y.max():
        log("the rows with a slot conflict have one label only")
        return 2
    result = fit(x, y, weights, args.seed)
    threshold = choose_threshold(y, result.oof)
    cv = prf(y, result.oof >= threshold)
    result, chosen, threshold = calibrate(result, threshold), threshold, 0.5
    metrics = {
        "cv": {"C": result.c, "log_loss": round(result.cv_log_loss, 4), "cut_before_calibration": round(chosen, 4),
               "f1_at_threshold": cv["f1"],
               "precision": cv["precision"], "recall": cv["recall"]},
        "heldout": heldout_metrics(data.heldout, _gated(probabilities(result, xh), xh), threshold) if data.heldout else {},
    }
    model = model_json(result, threshold, FEATURE_NAMES, args.seed, data.counts, metrics)
    out = args.out or default_out()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    t3 = time.monotonic()
    log(f"C={result.c}, threshold {threshold:.4f}, cv F1 {cv['f1']:.3f}")
    if metrics["heldout"]:
        for name, m in metrics["heldout"]["by_source"].items():
            log(f"  held out {name:14s} P {m['precision']:.3f} R {m['recall']:.3f} F1 {m['f1']:.3f} (n {m['n']}, +{m['positives']})")
        m = metrics["heldout"]["overall"]
        log(f"  held out {'overall':14s} P {m['precision']:.3f} R {m['recall']:.3f} F1 {m['f1']:.3f} (n {m['n']}, +{m['positives']})")
    log(f"wrote {out} ({model['version']}); assemble {t1 - t0:.0f} s, featurise {t2 - t1:.0f} s, fit {t3 - t2:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
