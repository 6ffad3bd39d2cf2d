"""The NLI rescorer, on tiny BERT classifiers built and saved in a tmp dir (nothing downloaded).

The model tests need the nli extra and are skipped, visibly, without it; the tests of the
"extra missing" and "not configured" paths run either way.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from factcheck.tasks.pairs.detectors import nli
from factcheck.tasks.models import Claim, Evidence, PairScore, Reason

try:
    import torch
    import transformers
except ImportError:  # the nli extra is not installed
    torch = transformers = None

needs_extra = pytest.mark.skipif(
    torch is None or transformers is None,
    reason="torch/transformers missing: install the nli extra (pip install 'factcheck[nli]') to test NLIDetector",
)

WORDS = "the a strike ended continues talks were held cancelled police said 14 31 people died on monday not".split()
STANDARD = {0: "entailment", 1: "neutral", 2: "contradiction"}  # not cross-encoder's own order


def _tokenizer():
    from tokenizers import Tokenizer, models, pre_tokenizers, processors

    vocab = {t: i for i, t in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", *WORDS])}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])],
    )
    return transformers.PreTrainedTokenizerFast(
        tokenizer_object=tok,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        clean_up_tokenization_spaces=False,
    ), len(vocab)


def make_model(
    path: Path, id2label: dict[int, str], bias: dict[str, float] | None = None, seed: int = 0, arch: str = "bert"
) -> str:
    """Save a 1-layer, 16-wide classifier: BERT, or DeBERTa-v2 set up like DeBERTa-v3 (the
    architecture of cross-encoder/nli-deberta-v3-*). With `bias`, the classifier weights are
    zeroed and its bias set per (lower-cased) label name, so the output is that softmax
    whatever the input."""
    tokenizer, vocab_size = _tokenizer()
    torch.manual_seed(seed)
    common = dict(
        vocab_size=vocab_size,
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        num_labels=len(id2label),
        id2label=id2label,
        label2id={v: k for k, v in id2label.items()},
    )
    if arch == "bert":
        model = transformers.BertForSequenceClassification(transformers.BertConfig(max_position_embeddings=64, **common))
    else:
        config = transformers.DebertaV2Config(
            max_position_embeddings=512,
            relative_attention=True,
            position_buckets=256,
            pos_att_type=["p2c", "c2p"],
            position_biased_input=False,
            norm_rel_ebd="layer_norm",
            share_att_key=True,
            type_vocab_size=0,
            pooler_hidden_size=16,
            **common,
        )
        model = transformers.DebertaV2ForSequenceClassification(config)
    if bias is not None:
        with torch.no_grad():
            model.classifier.weight.zero_()
            logits = [bias.get(id2label[i].lower(), 0.0) for i in range(len(id2label))]
            model.classifier.bias.copy_(torch.tensor(logits))
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return str(path)


def claim(text: str) -> Claim:
    return Claim(text=text, position=0, speaker="outlet")


A, B = "the strike ended on monday", "the strike continues"
RULE = Reason("status", "ended vs continues", 0.5)


@needs_extra
@pytest.mark.parametrize(
    "id2label",
    [STANDARD, {0: "CONTRADICTION", 1: "ENTAILMENT", 2: "NEUTRAL"}, {0: "Neutral", 1: "Contradiction", 2: "Entailment"}],
)
def test_label_order_is_read_from_the_config(tmp_path: Path, id2label: dict[int, str]) -> None:
    """The contradiction logit sits at index 2, 0 and 1: assuming any fixed order fails one case."""
    det = nli.NLIDetector(make_model(tmp_path, id2label, {"contradiction": 10.0}), device="cpu")
    assert det.labels == [v.lower() for v in id2label.values()]
    (probs,) = det.probabilities([(A, B)])
    assert set(probs) == {"contradiction", "entailment", "neutral"}
    assert probs["contradiction"] > 0.99
    assert sum(probs.values()) == pytest.approx(1.0)


@needs_extra
def test_rescore_adds_an_nli_reason_and_raises_the_score(tmp_path: Path) -> None:
    det = nli.NLIDetector(make_model(tmp_path, STANDARD, {"contradiction": 10.0}), device="cpu", batch_size=4)
    ruled, bare = det.rescore([(claim(A), claim(B), PairScore(0.5, (RULE,))), (claim(A), claim(B), PairScore(0.0))])
    p = det.probabilities([(A, B)])[0]["contradiction"]
    assert p > 0.99
    # noisy-or with the rules' score: 1 - (1 - 0.5)(1 - 0.9 p)
    assert ruled.score == pytest.approx(1 - 0.5 * (1 - 0.9 * p), abs=1e-4)
    assert ruled.reasons[0].detector == "nli" and ruled.reasons[1] == RULE  # strongest first
    reason = ruled.reasons[0]
    assert reason.message == f"NLI model: contradiction {p:.2f}"
    assert reason.weight == pytest.approx(0.9 * p)
    assert reason.evidence_a == (Evidence(A, 0, len(A)),) and reason.evidence_b == (Evidence(B, 0, len(B)),)
    # A pair the rules missed is found by the model alone.
    assert bare.score == pytest.approx(0.9 * p, abs=1e-4) and [r.detector for r in bare.reasons] == ["nli"]


@needs_extra
@pytest.mark.parametrize("confident", ["neutral", "entailment"])
def test_a_confident_non_contradiction_scales_the_rule_score_down(tmp_path: Path, confident: str) -> None:
    det = nli.NLIDetector(make_model(tmp_path, STANDARD, {confident: 10.0}), device="cpu")
    (out,) = det.rescore([(claim(A), claim(B), PairScore(0.7, (RULE,)))])
    assert out == PairScore(round(0.7 * nli.DAMPING, 4), (RULE,))


@needs_extra
def test_an_unsure_model_leaves_the_rule_score_alone(tmp_path: Path) -> None:
    det = nli.NLIDetector(make_model(tmp_path, STANDARD, {}), device="cpu")  # uniform: 1/3 each
    kept = PairScore(0.7, (RULE,))
    assert det.rescore([(claim(A), claim(B), kept)]) == [kept]


@needs_extra
@pytest.mark.parametrize("arch", ["bert", "deberta-v2"])
def test_batches_give_the_same_result_and_symmetric_takes_the_larger_direction(tmp_path: Path, arch: str) -> None:
    path = make_model(tmp_path, STANDARD, bias=None, seed=3, arch=arch)  # random weights: output depends on input
    pairs = [
        (A, B),
        ("police said 14 people died", "31 people died on monday"),
        ("talks were held", "talks were cancelled"),
        ("a strike", "the strike ended on monday police said"),
        ("not", "the talks were held on monday not cancelled"),
    ]
    small = nli.NLIDetector(path, device="cpu", batch_size=2)
    big = nli.NLIDetector(path, device="cpu", batch_size=32)
    for one, other in zip(small.probabilities(pairs), big.probabilities(pairs), strict=True):
        assert one == pytest.approx(other, abs=1e-5)
    forward = big.probabilities(pairs, symmetric=False)
    backward = big.probabilities([(b, a) for a, b in pairs], symmetric=False)
    assert len({round(d["contradiction"], 6) for d in forward}) > 1  # the inputs do matter
    for both, f, b in zip(big.probabilities(pairs), forward, backward, strict=True):
        assert both["contradiction"] == pytest.approx(max(f["contradiction"], b["contradiction"]), abs=1e-6)
    scored = [(claim(a), claim(b), PairScore(0.2, (RULE,))) for a, b in pairs]
    assert small.rescore(scored) == big.rescore(scored)
    assert big.rescore([]) == []


@needs_extra
def test_a_model_without_a_contradiction_label_is_refused(tmp_path: Path) -> None:
    path = make_model(tmp_path, {0: "LABEL_0", 1: "LABEL_1"})
    with pytest.raises(ValueError, match="no 'contradiction' label"):
        nli.NLIDetector(path, device="cpu")


@needs_extra
def test_load_nli_shares_one_model_per_process(tmp_path: Path) -> None:
    path = make_model(tmp_path, STANDARD, {"contradiction": 10.0})
    nli.load_nli.cache_clear()
    try:
        assert nli.load_nli(path, "cpu", 8) is nli.load_nli(path, "cpu", 8)
        assert nli.load_nli(path, "cpu", 8).batch_size == 8
    finally:
        nli.load_nli.cache_clear()


@needs_extra
def test_the_configured_model_rescores_through_the_pipeline_hook(tmp_path: Path) -> None:
    from factcheck.config.settings import Settings
    from factcheck.tasks.pairs import rescoring

    path = make_model(tmp_path, STANDARD, {"contradiction": 10.0})
    nli.load_nli.cache_clear()
    try:
        rescorer = rescoring.nli_rescorer(Settings(nli_model=path, nli_device="cpu"))
        assert isinstance(rescorer, nli.NLIDetector)
        ((_, _, score),) = rescoring.rescore([(A, B, PairScore(0.0))], [rescorer], claim)
        assert score.score > 0.85 and score.reasons[0].detector == "nli"
    finally:
        nli.load_nli.cache_clear()


@needs_extra
@pytest.mark.skipif(
    all(nli._installed(m) for m in ("sentencepiece", "google.protobuf")), reason="sentencepiece and protobuf installed"
)
def test_an_spm_only_tokenizer_without_sentencepiece_names_what_to_install(tmp_path: Path) -> None:
    """Older cross-encoder/nli-deberta-v3-* revisions ship spm.model and no tokenizer.json."""
    path = Path(make_model(tmp_path, STANDARD, arch="deberta-v2"))
    (path / "tokenizer.json").unlink()
    (path / "spm.model").write_bytes(b"converted on load, which needs sentencepiece and protobuf")
    (path / "tokenizer_config.json").write_text(
        '{"tokenizer_class": "DebertaV2Tokenizer", "vocab_type": "spm", "unk_token": "[UNK]", "pad_token": "[PAD]"}'
    )
    with pytest.raises(nli.NLIUnavailable, match=r"pip install 'factcheck\[nli\]' \(the tokenizer of .* needs (sentencepiece|protobuf)"):
        nli.NLIDetector(str(path), device="cpu")


def test_without_the_extra_construction_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` fail
    with pytest.raises(nli.NLIUnavailable, match=r"pip install 'factcheck\[nli\]'"):
        nli.NLIDetector("cross-encoder/nli-deberta-v3-xsmall")
    assert issubclass(nli.NLIUnavailable, ImportError)


def test_nothing_is_imported_unless_configured() -> None:
    """Importing the module needs neither torch nor transformers; an unset model loads nothing."""
    code = (
        "import sys\n"
        "sys.modules['torch'] = sys.modules['transformers'] = None\n"
        "import factcheck.tasks.pairs.detectors.nli\n"
        "del sys.modules['torch'], sys.modules['transformers']\n"
        "from factcheck.config.settings import Settings\n"
        "from factcheck.tasks import steps\n"
        "from factcheck.tasks.pairs import rescoring\n"
        "assert rescoring.nli_rescorer(Settings()) is None\n"
        "assert not {'torch', 'transformers'} & set(sys.modules), sorted(sys.modules)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACTCHECK_NLI")}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
