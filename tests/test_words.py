"""The replies' fixed words: every locale has every key (or keeps the English on purpose), files
are checked on load, and a member is answered in their Discord's language."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from bot.render.translator import read_locales
from bot.render.words import ENGLISH, LINE_PURPOSES, LOCALES, LocaleError, fields_of, load_words

LOCALE_FILES = sorted(p for p in LOCALES.glob("*.yaml") if p.name != ENGLISH)


def _raw(path: Path) -> dict[str, object]:
    data: dict[str, object] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def test_every_locale_has_every_key_and_lines_for_every_purpose() -> None:
    english = _raw(LOCALES / ENGLISH)["ui"]
    assert isinstance(english, dict) and len(english) > 50
    assert [p.stem for p in LOCALE_FILES] == ["de", "es-ES", "fr", "ja"]
    for path in LOCALE_FILES:
        data = _raw(path)
        ui, lines = data["ui"], data["lines"]
        assert isinstance(ui, dict) and isinstance(lines, dict)
        assert set(ui) == set(english), path.name
        assert set(lines) == set(LINE_PURPOSES), path.name
        kept_english = [key for key, text in ui.items() if text is None]
        assert kept_english == [], f"{path.name} keeps English on purpose: {kept_english}"
        for key, text in ui.items():
            assert fields_of(text) == fields_of(english[key]), (path.name, key)
        assert all(len(written) >= 3 for written in lines.values()), path.name
    assert {w.locale for w in load_words().others.values()} == {"de", "es-ES", "fr", "ja"}


def test_a_slash_command_named_in_a_reply_is_named_as_that_member_sees_it() -> None:
    """`/quiz start` in French is `/quiz lancer`: the words use the locale's command names."""
    words, names = load_words(), read_locales()
    english = words.english.texts
    for locale, tables in names.items():
        for key, text in words[locale].texts.items():
            for said, meant in zip(
                re.findall(r"/\S+ \S+", text), re.findall(r"/\S+ \S+", english[key]), strict=True
            ):
                group, sub = meant.strip("/.").split()
                assert said.rstrip(".。") == f"/{tables['names'][group]} {tables['names'][sub]}"


def test_locales_fall_back_to_their_language_then_to_english() -> None:
    words = load_words()
    assert words["fr"]("pager.next") == "Suivant ▶"
    assert words["es-419"].locale == "es-ES"
    assert words["en-GB"] is words["en-US"] is words["pt-BR"] is words.english
    assert words.english("pager.next") == "Next ▶"
    assert words["ja"].count("quiz.points", 3) == "3点"
    assert words["de"].choice("cast") == "Die Besetzung"
    assert words.english.choice("cast") == "cast"


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (lambda d: d["ui"].pop("pager.next"), "fr.yaml: ui: missing ['pager.next']"),
        (lambda d: d["ui"].update({"pager.last": "x"}), "not in en.yaml ['pager.last']"),
        (
            lambda d: d["ui"].update({"lookup.did_you_mean": "Vouliez-vous dire {nom} ?"}),
            "fr.yaml: ui.lookup.did_you_mean: placeholders ['nom'], the English has ['names']",
        ),
        (lambda d: d["ui"].update({"help.title": ""}), "fr.yaml: ui.help.title: not a text"),
        (lambda d: d["lines"].pop("busy"), "fr.yaml: lines: needs exactly"),
        (lambda d: d["lines"].update({"busy": ["Hello {name}"]}), "fr.yaml: lines.busy:"),
    ],
)
def test_a_broken_locale_file_is_refused_naming_the_file_and_key(
    tmp_path: Path, change, said: str
) -> None:
    for path in [LOCALES / ENGLISH, LOCALES / "fr.yaml"]:
        shutil.copy(path, tmp_path / path.name)
    data = _raw(tmp_path / "fr.yaml")
    change(data)
    (tmp_path / "fr.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(LocaleError, match=re.escape(said)):
        load_words(tmp_path)


def test_a_key_set_to_null_keeps_the_english_on_purpose(tmp_path: Path) -> None:
    for path in [LOCALES / ENGLISH, LOCALES / "fr.yaml"]:
        shutil.copy(path, tmp_path / path.name)
    data = _raw(tmp_path / "fr.yaml")
    data["ui"]["about.version"] = None  # type: ignore[index]
    data["lines"]["busy"] = None  # type: ignore[index]
    (tmp_path / "fr.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    french = load_words(tmp_path)["fr"]
    assert french("about.version") == "Version"
    assert "busy" not in french.lines
