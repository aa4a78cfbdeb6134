"""Configuration: validation errors through the command line (exit 2, clear messages), profiles
with ``extends:``, ``--set`` parsing, and configs/default.yaml against the built-in defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from helpers import DEFAULT_CONFIG, write

from pipeline.config import load_config, to_yaml, validate
from pipeline.errors import ConfigError
from pipeline.settings import Settings


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    return folder


def run_cli(cli, corpus, tmp_path, *args):
    """``rodedraden ingest`` with the given options; validation happens before any stage."""
    return cli("ingest", "--corpus", corpus, "--out", tmp_path / "out", *args)


def assert_clean_usage_error(result, tmp_path):
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error: ")
    assert "Traceback" not in result.output
    assert not (tmp_path / "out" / "runs").exists()  # nothing ran


# -- errors through the command line ---------------------------------------------------------


def test_unknown_key_names_the_path_and_suggests_the_right_one(cli, corpus, tmp_path):
    result = run_cli(cli, corpus, tmp_path, "--config", DEFAULT_CONFIG,
                     "--set", "ingest.min_word=50")
    assert_clean_usage_error(result, tmp_path)
    assert "ingest.min_word: unknown key" in result.output
    assert "Did you mean 'ingest.min_words'?" in result.output
    assert "(set in --set ingest.min_word=50)" in result.output
    assert "Allowed here:" in result.output and "min_words" in result.output


def test_misspelt_nested_key_in_a_file_names_the_file(cli, corpus, tmp_path):
    profile = write(tmp_path / "profile.yaml",
                    "ingest:\n  boilerplate:\n    repeated_min_doc: 4\n")
    result = run_cli(cli, corpus, tmp_path, "--config", profile)
    assert_clean_usage_error(result, tmp_path)
    assert "ingest.boilerplate.repeated_min_doc: unknown key" in result.output
    assert "Did you mean 'ingest.boilerplate.repeated_min_docs'?" in result.output
    assert f"(set in {profile})" in result.output


def test_unknown_section_gets_a_suggestion(cli, corpus, tmp_path):
    result = run_cli(cli, corpus, tmp_path, "--set", "ingets.min_words=50")
    assert_clean_usage_error(result, tmp_path)
    assert "ingets: unknown key" in result.output and "Did you mean 'ingest'?" in result.output


def test_wrong_type_names_key_value_and_expected_type(cli, corpus, tmp_path):
    result = run_cli(cli, corpus, tmp_path, "--config", DEFAULT_CONFIG,
                     "--set", "ingest.min_words=veel")
    assert_clean_usage_error(result, tmp_path)
    assert ('ingest.min_words: got "veel" (a string) (set in --set ingest.min_words=veel); '
            "expected a valid integer") in result.output


def test_float_for_an_integer_is_refused(cli, corpus, tmp_path):
    result = run_cli(cli, corpus, tmp_path, "--set", "run.seed=1.5")
    assert_clean_usage_error(result, tmp_path)
    assert "run.seed: got 1.5 (a number)" in result.output and "integer" in result.output


def test_out_of_range_value_says_what_is_allowed(cli, corpus, tmp_path):
    result = run_cli(cli, corpus, tmp_path, "--set", "ingest.min_words=-1")
    assert_clean_usage_error(result, tmp_path)
    assert "ingest.min_words: got -1 (an integer)" in result.output
    assert "greater than or equal to 0" in result.output


def test_value_outside_a_choice_lists_the_choices(cli, corpus, tmp_path):
    result = run_cli(cli, corpus, tmp_path, "--set", "run.on_error=stop")
    assert_clean_usage_error(result, tmp_path)
    assert "run.on_error: got \"stop\"" in result.output
    assert "'continue' or 'fail'" in result.output


def test_unknown_format_is_refused(cli, corpus, tmp_path):
    result = run_cli(cli, corpus, tmp_path, "--set", "ingest.read.formats=[md, doc]")
    assert_clean_usage_error(result, tmp_path)
    assert "ingest.read.formats" in result.output and "unknown format(s) ['doc']" in result.output


def test_invalid_regex_in_boilerplate_patterns(cli, corpus, tmp_path):
    result = run_cli(cli, corpus, tmp_path, "--set",
                     'ingest.boilerplate.patterns=["^deel dit", "(niet gesloten"]')
    assert_clean_usage_error(result, tmp_path)
    assert "ingest.boilerplate.patterns" in result.output
    assert "pattern '(niet gesloten' is not a valid regular expression" in result.output


def test_invalid_regex_in_a_profile_names_the_file(cli, corpus, tmp_path):
    profile = write(tmp_path / "regex.yaml",
                    "ingest:\n  boilerplate:\n    patterns: ['[a-']\n")
    result = run_cli(cli, corpus, tmp_path, "--config", profile)
    assert_clean_usage_error(result, tmp_path)
    assert f"(set in {profile})" in result.output and "'[a-'" in result.output


@pytest.mark.parametrize(("pattern", "message"), [
    ("(?u)\\b(\\w+", "not a valid regular expression: missing ), unterminated subpattern"),
    ("(\\w)(\\w+)", "at most one group (the term); this one has 2"),
])
def test_invalid_token_pattern_stops_before_any_stage(cli, corpus, tmp_path, pattern, message):
    """Checked with the config, not after ingest, entities and embed have run."""
    result = run_cli(cli, corpus, tmp_path, "--set", f"themes.vectorizer.token_pattern={pattern}")
    assert_clean_usage_error(result, tmp_path)
    assert "themes.vectorizer.token_pattern" in result.output and message in result.output


def test_every_problem_is_listed_at_once(cli, corpus, tmp_path):
    result = run_cli(cli, corpus, tmp_path, "--set", "ingest.min_words=-5",
                     "--set", "run.seeed=1")
    assert_clean_usage_error(result, tmp_path)
    assert "ingest.min_words" in result.output and "run.seeed: unknown key" in result.output


def test_set_without_equals_sign(cli, corpus, tmp_path):
    result = run_cli(cli, corpus, tmp_path, "--set", "ingest.min_words")
    assert_clean_usage_error(result, tmp_path)
    assert "--set 'ingest.min_words' is not of the form section.key=value" in result.output


@pytest.mark.parametrize("item", ["=5", "ingest..min_words=5", ".min_words=5"])
def test_set_with_an_empty_key_part(cli, corpus, tmp_path, item):
    result = run_cli(cli, corpus, tmp_path, "--set", item)
    assert_clean_usage_error(result, tmp_path)
    assert "is not of the form section.key=value" in result.output


def test_missing_config_file(cli, corpus, tmp_path):
    result = run_cli(cli, corpus, tmp_path, "--config", tmp_path / "bestaat-niet.yaml")
    assert_clean_usage_error(result, tmp_path)
    assert "config file not found" in result.output and "bestaat-niet.yaml" in result.output


def test_invalid_yaml(cli, corpus, tmp_path):
    profile = write(tmp_path / "kapot.yaml", "run:\n\tseed: 3\n")
    result = run_cli(cli, corpus, tmp_path, "--config", profile)
    assert_clean_usage_error(result, tmp_path)
    assert f"{profile} is not valid YAML" in result.output and "line 2" in result.output


def test_top_level_list_is_refused(cli, corpus, tmp_path):
    profile = write(tmp_path / "lijst.yaml", "- run\n- ingest\n")
    result = run_cli(cli, corpus, tmp_path, "--config", profile)
    assert_clean_usage_error(result, tmp_path)
    assert "expected a mapping of sections" in result.output


def test_missing_corpus_folder_is_a_usage_error(cli, tmp_path):
    result = cli("ingest", "--corpus", tmp_path / "nergens", "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "corpus folder not found" in result.output and "Traceback" not in result.output


# -- profiles and --set ----------------------------------------------------------------------


def test_extends_chain_overrides_one_key_and_inherits_the_rest(tmp_path):
    write(tmp_path / "basis.yaml", f"extends: {DEFAULT_CONFIG}\n"
          "ingest:\n  min_words: 50\n  read:\n    formats: [md, txt]\n")
    profile = write(tmp_path / "snel.yaml", "extends: basis.yaml\nrun:\n  seed: 7\n")
    settings = load_config(profile)
    assert settings.run.seed == 7                        # from snel.yaml
    assert settings.ingest.min_words == 50               # from basis.yaml
    assert settings.ingest.read.formats == ["md", "txt"]  # lists replace, not merge
    defaults = Settings()
    assert settings.ingest.read.max_file_mb == defaults.ingest.read.max_file_mb
    assert settings.ingest.boilerplate == defaults.ingest.boilerplate
    assert settings.run.on_error == defaults.run.on_error
    # --set comes last and wins over every file
    assert load_config(profile, ["run.seed=9"]).run.seed == 9


def test_extends_error_names_the_file_that_set_the_bad_value(tmp_path):
    parent = write(tmp_path / "ouder.yaml", "ingest:\n  min_words: -3\n")
    child = write(tmp_path / "kind.yaml", "extends: ouder.yaml\nrun:\n  seed: 1\n")
    with pytest.raises(ConfigError) as info:
        load_config(child)
    assert f"ingest.min_words: got -3 (an integer) (set in {parent})" in str(info.value)
    assert info.value.exit_code == 2


def test_child_value_is_attributed_to_the_child(tmp_path):
    write(tmp_path / "ouder.yaml", "ingest:\n  min_words: 10\n")
    child = write(tmp_path / "kind.yaml", "extends: ouder.yaml\ningest:\n  min_words: x\n")
    with pytest.raises(ConfigError, match=f"set in {child}"):
        load_config(child)


def test_extends_cycle_is_reported(cli, corpus, tmp_path):
    write(tmp_path / "a.yaml", "extends: b.yaml\n")
    profile = write(tmp_path / "b.yaml", "extends: a.yaml\n")
    result = run_cli(cli, corpus, tmp_path, "--config", profile)
    assert_clean_usage_error(result, tmp_path)
    assert "'extends' chain longer than" in result.output


def test_extends_missing_parent(tmp_path):
    child = write(tmp_path / "kind.yaml", "extends: weg.yaml\n")
    with pytest.raises(ConfigError, match="config file not found: .*weg.yaml"):
        load_config(child)


@pytest.mark.parametrize("item, path, expected", [
    ("ingest.min_words=50", ("ingest", "min_words"), 50),
    ("ingest.read.max_file_mb=5", ("ingest", "read", "max_file_mb"), 5.0),
    ("ingest.read.formats=[md, txt]", ("ingest", "read", "formats"), ["md", "txt"]),
    ("ingest.boilerplate.drop_consecutive_duplicates=false",
     ("ingest", "boilerplate", "drop_consecutive_duplicates"), False),
    ("ingest.read.csv_delimiter=;", ("ingest", "read", "csv_delimiter"), ";"),
    ("ingest.read.fields.metadata=[bron, regio]", ("ingest", "read", "fields", "metadata"),
     ["bron", "regio"]),
    ("run.on_error=fail", ("run", "on_error"), "fail"),
])
def test_set_values_are_parsed_as_yaml_scalars(item, path, expected):
    node = load_config(DEFAULT_CONFIG, [item])
    for key in path:
        node = getattr(node, key)
    assert node == expected


def test_resolved_config_round_trips_through_yaml():
    settings = load_config(DEFAULT_CONFIG, ["ingest.min_words=12", "run.seed=3"])
    again = validate(yaml.safe_load(to_yaml(settings)))
    assert again == settings


# -- configs/default.yaml --------------------------------------------------------------------


def _leaf_paths(data, prefix=""):
    for key, value in data.items():
        if isinstance(value, dict) and value:
            yield from _leaf_paths(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}"


def test_default_yaml_validates_and_equals_the_built_in_defaults():
    from_file = load_config(DEFAULT_CONFIG)
    assert from_file == Settings()
    assert from_file.model_dump(mode="json") == Settings().model_dump(mode="json")


def test_default_yaml_lists_every_parameter():
    raw = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    in_file = set(_leaf_paths(raw))
    in_model = set(_leaf_paths(Settings().model_dump(mode="json")))
    assert in_file == in_model, {"missing from default.yaml": sorted(in_model - in_file),
                                 "unknown": sorted(in_file - in_model)}


def leaf_keys_without_comment(text: str) -> list[str]:
    """Leaf keys with neither a comment on their line (after the value) nor on the line above."""
    lines = text.splitlines()
    missing: list[str] = []

    def visit(node, prefix):
        for key_node, value_node in node.value:
            path = f"{prefix}{key_node.value}"
            if isinstance(value_node, yaml.MappingNode) and value_node.value:
                visit(value_node, path + ".")
                continue
            line = key_node.start_mark.line
            rest = lines[line][key_node.end_mark.column:]
            if value_node.end_mark.line == line:  # a scalar or flow list on the key's line
                rest = lines[line][value_node.end_mark.column:]
            above = lines[line - 1].strip() if line > 0 else ""
            if "#" not in rest and not above.startswith("#"):
                missing.append(path)

    visit(yaml.compose(text), "")
    return missing


def test_comment_check_finds_an_uncommented_key():
    text = ("run:\n  seed: 42  # seed\n  # comment above\n  on_error: continue\n"
            "ingest:\n  min_words: 80\n  label: '# not a comment'\n"
            "  patterns:\n    - 'a#b'\n")
    assert leaf_keys_without_comment(text) == ["ingest.min_words", "ingest.label",
                                               "ingest.patterns"]


def test_every_leaf_key_in_default_yaml_has_a_comment():
    assert leaf_keys_without_comment(DEFAULT_CONFIG.read_text(encoding="utf-8")) == []


def test_empty_section_means_the_defaults(tmp_path):
    profile = write(tmp_path / "leeg.yaml", "ingest:\nentities:\n  nlp:\n  min_words: 5\n")
    with pytest.raises(ConfigError, match=r"entities\.min_words: unknown key"):
        load_config(profile)
    write(profile, "ingest:\nentities:\n  nlp:\n")
    settings = load_config(profile)
    assert settings.ingest == Settings().ingest and settings.entities == Settings().entities
