"""Settings from [tool.clean] in pyproject.toml or .clean.yaml, found upward from the
working directory; command-line options override them; bad settings name file and key."""
from __future__ import annotations

from pathlib import Path

import pytest

from cleaner.config import Config, NestedSettings, excludes_only, find_config, load_config
from cleaner.errors import ConfigError

NEWSLETTER = "Sign up for our free weekly newsletter"
MARKER = "Brought to you by the Zanzibar Widget Company"
TEXT = (f"A council spokesman said the library would reopen on Monday after repairs.\n"
        f"{NEWSLETTER}\n{MARKER}\n")

RULE_PACK = f"""pack: house
description: our own boilerplate
rules:
  - id: house.sponsor
    description: sponsor line
    pattern: '^Brought to you by the Zanzibar Widget Company$'
    examples:
      drop: ["{MARKER}"]
      keep: ["The Zanzibar Widget Company said on Monday it would close."]
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "rules").mkdir(parents=True)
    (root / "rules" / "house.yaml").write_text(RULE_PACK)
    (root / "data" / "deep").mkdir(parents=True)
    (root / "data" / "deep" / "a.txt").write_text(TEXT)
    return root


def test_pyproject_found_upward_rules_relative_to_it(project, run_clean):
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.clean]\nrules = ["rules"]\ndisable = ["newsletter"]\n'
        'heuristics = false\n')
    r = run_clean("a.txt", cwd=project / "data" / "deep")
    assert r.returncode == 0, r.stderr
    out = r.stdout.decode()
    assert MARKER not in out            # the project's rule pack, found from two levels down
    assert NEWSLETTER in out            # the disabled pack
    # Command-line rules and disables add to the configuration's; --no-config drops it.
    r = run_clean("--disable", "house", "a.txt", cwd=project / "data" / "deep")
    assert MARKER in r.stdout.decode() and NEWSLETTER in r.stdout.decode()
    r = run_clean("--no-config", "--no-heuristics", "a.txt", cwd=project / "data" / "deep")
    assert MARKER in r.stdout.decode() and NEWSLETTER not in r.stdout.decode()


@pytest.mark.slow
def test_settings_are_found_from_the_files_not_the_working_directory(project, run_clean, tmp_path):
    """As black and ruff find theirs: `clean ~/project/data/a.txt` run from
    elsewhere uses the project's settings, and so does a batch over its folder."""
    (project / ".clean.yaml").write_text("rules: [rules]\nexclude: [deep]\nheuristics: false\n")
    (project / "data" / "b.txt").write_text(TEXT)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    r = run_clean("-v", project / "data" / "b.txt", cwd=elsewhere)
    assert r.returncode == 0, r.stderr
    assert MARKER not in r.stdout.decode()                  # the project's rule pack
    assert f"settings: {project / '.clean.yaml'}" in r.stderr.decode()
    r = run_clean("--check", project / "data", cwd=elsewhere)
    assert r.returncode == 1, r.stderr
    assert r.stdout.decode().split() == [str(project / "data" / "b.txt")]   # deep/ excluded
    # piped input: the working directory, unless --stdin-filename says where it comes from
    r = run_clean("-v", input=TEXT.encode(), cwd=elsewhere)
    assert "settings: none found" in r.stderr.decode() and MARKER in r.stdout.decode()


@pytest.mark.slow
def test_yaml_config_and_batch_globs(project, run_clean):
    (project / ".clean.yaml").write_text("include: ['*.article']\nexclude: [skip]\njobs: 1\n")
    (project / "data" / "one.article").write_text(TEXT)
    (project / "data" / "skip").mkdir()
    (project / "data" / "skip" / "two.article").write_text(TEXT)
    r = run_clean("--check", "data", cwd=project)
    assert r.returncode == 1, r.stderr
    assert r.stdout.decode().split() == ["data/one.article"]
    # --include on the command line replaces the configured one.
    r = run_clean("--check", "--include", "*.txt", "data", cwd=project)
    assert r.stdout.decode().split() == ["data/deep/a.txt"]


@pytest.mark.slow
def test_settings_globs_are_read_from_their_folder(project, run_clean):
    """A path glob in the settings means the same files from wherever the run
    starts: pre-commit names files from the top of a repository whose settings
    lie deeper, and a user runs a check from a subfolder. A glob on the command
    line is read from the working folder, and adds to the settings' globs."""
    data = project / "data"
    (data / ".clean.yaml").write_text("exclude: ['raw/*.txt', ./drafts]\n")
    for name in ("raw/r.txt", "drafts/d.txt", "news/n.txt", "news/raw/x.txt"):
        (data / name).parent.mkdir(parents=True, exist_ok=True)
        (data / name).write_text(TEXT)

    def listed(*args, cwd):
        r = run_clean("--check", "--no-ignore", *args, cwd=cwd)
        assert r.returncode in (0, 1), r.stderr
        return sorted(r.stdout.decode().split())

    # As pre-commit runs it, from the top, each file named: the settings are
    # data's, and so are the paths their globs are read from.
    named = ["data/raw/r.txt", "data/drafts/d.txt", "data/news/n.txt", "data/news/raw/x.txt"]
    assert listed(*named, cwd=project) == ["data/news/n.txt", "data/news/raw/x.txt"]
    # A folder walked from above, from inside, and from a subfolder of it.
    assert listed("data", cwd=project) == ["data/deep/a.txt", "data/news/n.txt",
                                          "data/news/raw/x.txt"]
    assert listed(".", cwd=data) == ["deep/a.txt", "news/n.txt", "news/raw/x.txt"]
    # From news/, "raw/x.txt" is where the glob would point if it were read
    # from the working folder; it is data/news/raw/x.txt, not data/raw.
    assert listed(".", cwd=data / "news") == ["n.txt", "raw/x.txt"]
    # --exclude adds to the settings' exclude, read from the working folder.
    assert listed(".", "--exclude", "news/n*", cwd=data) == ["deep/a.txt", "news/raw/x.txt"]


@pytest.mark.slow
def test_settings_below_the_runs_keep_their_exclude(project, run_clean):
    """pre-commit names every staged file from the top of the repository, so a
    run's settings are found from there; settings that lie deeper still say
    which of their files to leave alone, as a .gitignore does, and a warning
    says that their other keys do not apply."""
    (project / ".git").mkdir()
    (project / "notes.md").write_text(TEXT)
    data = project / "data"
    (data / ".clean.yaml").write_text("exclude: ['drafts/*.txt']\n")
    for name in ("drafts/d.txt", "news/n.txt"):
        (data / name).parent.mkdir(parents=True, exist_ok=True)
        (data / name).write_text(TEXT)

    def check(*args):
        r = run_clean("--check", "--no-ignore", *args, cwd=project)
        assert r.returncode in (0, 1), r.stderr
        return sorted(r.stdout.decode().split()), r.stderr.decode()

    named = ["notes.md", "data/drafts/d.txt", "data/news/n.txt", "data/deep/a.txt"]
    listed, err = check(*named)
    assert listed == ["data/deep/a.txt", "data/news/n.txt", "notes.md"] and "warning" not in err
    listed, _ = check(".")
    assert listed == ["data/deep/a.txt", "data/news/n.txt", "notes.md"]
    # --no-config: no settings at all; --config: those named, and only those.
    assert "data/drafts/d.txt" in check("--no-config", ".")[0]
    (project / "top.yaml").write_text("exclude: [deep]\n")
    assert check("--config", "top.yaml", ".")[0] == ["data/drafts/d.txt", "data/news/n.txt",
                                                      "notes.md"]
    # Keys that say how to clean come from the run's settings only: a warning.
    (data / ".clean.yaml").write_text("exclude: ['drafts/*.txt']\nmode: careful\n")
    listed, err = check(*named)
    assert "data/drafts/d.txt" not in listed
    assert f"warning: {data / '.clean.yaml'}: only its exclude applies" in err, err
    assert err.count("only its exclude applies") == 1
    # A broken one is an error naming it, and the run says so in its status.
    (data / ".clean.yaml").write_text("exclude: drafts\n")
    r = run_clean("--check", *named, cwd=project)
    assert r.returncode == 2 and "key 'exclude': expected a list of globs" in r.stderr.decode()


def test_nested_settings_are_read_once_and_not_the_runs_own(project):
    (project / ".clean.yaml").write_text("mode: careful\n")
    (project / "data" / ".clean.yaml").write_text("exclude: [drafts]\n")
    nested = NestedSettings(find_config(project / "data" / "deep").path)
    assert nested.used == (project / "data" / ".clean.yaml").resolve()   # the nearest is the run's
    assert nested.at(str(project / "data")) is None
    nested = NestedSettings(find_config(project).path)
    below = nested.at(str(project / "data"))
    assert below.exclude == ("drafts",) and excludes_only(below)
    (project / "data" / ".clean.yaml").write_text("exclude: [drafts]\ninclude: ['*.md']\n")
    assert nested.at(str(project / "data")) is below                       # read once
    assert not excludes_only(NestedSettings(None).at(str(project / "data")))
    assert nested.at(str(project / "data" / "deep")) is None


def test_yaml_wins_over_pyproject_in_the_same_folder(project, run_clean):
    (project / "pyproject.toml").write_text('[tool.clean]\nmode = "careful"\n')
    (project / ".clean.yaml").write_text("mode: thorough\n")
    cfg = find_config(project / "data")
    assert cfg.path == project / ".clean.yaml" and cfg.mode == "thorough"
    r = run_clean("a.txt", cwd=project / "data" / "deep")
    assert r.returncode == 0
    assert f"[tool.clean] ignored, {project / '.clean.yaml'} takes precedence" in r.stderr.decode()


def test_pyproject_without_tool_clean_does_not_stop_the_search(project):
    (project / "pyproject.toml").write_text('[tool.clean]\nmode = "careful"\n')
    (project / "data" / "pyproject.toml").write_text('[project]\nname = "inner"\n')
    assert find_config(project / "data" / "deep").mode == "careful"


def test_search_stops_at_the_repository_top(project):
    (project / "pyproject.toml").write_text('[tool.clean]\nmode = "careful"\n')
    (project / "data" / ".git").mkdir()
    assert find_config(project / "data" / "deep") == Config()


@pytest.mark.parametrize("content, message", [
    ('[tool.clean]\ncolour = "blue"\n', "[tool.clean] unknown key 'colour'"),
    ('[tool.clean]\nrules = "rules"\n', "[tool.clean] key 'rules': expected a list of paths, got 'rules'"),
    ('[tool.clean]\nmode = "aggressive"\n', "key 'mode': expected careful, balanced or thorough"),
    ('[tool.clean]\njobs = 0\n', "key 'jobs': expected a positive whole number, got 0"),
    ('[tool.clean]\nheuristics = "no"\n', "key 'heuristics': expected true or false"),
    ('[tool.clean\n', "invalid TOML"),
])
@pytest.mark.slow
def test_invalid_pyproject_is_one_line_naming_file_and_key(project, run_clean, content, message):
    (project / "pyproject.toml").write_text(content)
    r = run_clean("a.txt", cwd=project / "data" / "deep")
    assert r.returncode == 2
    err = r.stderr.decode()
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"clean: error: {project / 'pyproject.toml'}: ")
    assert message in err


@pytest.mark.parametrize("content, message", [
    ("disable: [1, 2]\n", "key 'disable': expected a list of rule ids or pack names"),
    ("- just\n- a list\n", "expected a table of settings, got list"),
    ("include: [*.txt\n", "invalid YAML"),
    ("exclude: x\nunknown_thing: 1\n", "key 'exclude': expected a list of globs"),
    ("mode: careful\nmode: thorough\n", "duplicate key 'mode'"),
])
def test_invalid_yaml_config(project, content, message):
    (project / ".clean.yaml").write_text(content)
    with pytest.raises(ConfigError) as e:
        find_config(project)
    assert str(project / ".clean.yaml") in str(e.value) and message in str(e.value)


@pytest.mark.slow
def test_explicit_config_file(project, run_clean, tmp_path):
    cfg = tmp_path / "elsewhere.yaml"
    cfg.write_text(f"rules: [{project / 'rules'}]\n")
    r = run_clean("--config", cfg, "a.txt", cwd=project / "data" / "deep")
    assert r.returncode == 0 and MARKER not in r.stdout.decode()
    assert load_config(cfg).rules == (project / "rules",)
    r = run_clean("--config", tmp_path / "nope.yaml", "a.txt", cwd=project / "data" / "deep")
    assert r.returncode == 2 and b"nope.yaml: cannot read" in r.stderr


def test_repetition_key(project):
    (project / ".clean.yaml").write_text("repetition: false\n")
    assert load_config(project / ".clean.yaml").repetition is False
    (project / ".clean.yaml").write_text("repetition: 'no'\n")
    with pytest.raises(ConfigError, match="key 'repetition': expected true or false"):
        load_config(project / ".clean.yaml")


def test_unknown_disable_name_in_config_names_the_file(project, run_clean):
    (project / ".clean.yaml").write_text("disable: [sahre]\n")
    p = run_clean(cwd=project, input=TEXT.encode())
    err = p.stderr.decode()
    assert p.returncode == 2 and len(err.splitlines()) == 1, err
    assert err.startswith(f"clean: error: {project / '.clean.yaml'}: key 'disable': ")
    assert "'sahre'" in err and "did you mean 'share'?" in err


# Every way TOML can spell the table tool.clean that the text check must see
# (it may also say yes to files without one: they are parsed, as before).
TOOL_CLEAN_SPELLINGS = [
    '[tool.clean]\nmode = "careful"\n',
    '[ tool . clean ]\nmode = "careful"\n',
    '[\t"tool".\'clean\']  # settings\nmode = "careful"\n',
    '[tool.clean.extra]\nx = 1\n',
    '[[tool.clean]]\nmode = "careful"\n',
    '[tool]\nclean = { mode = "careful" }\n',
    '[tool]\n  clean.mode = "careful"\n',
    'tool.clean.mode = "careful"\n',
    '"tool" . "clean" = { mode = "careful" }\n',
    'tool = { clean = { mode = "careful" } }\n',
    '[project]\nname = "x"\n\n[tool . "\\u0063lean"]\nmode = "careful"\n',
    '\ufeff[tool.clean]\nmode = "careful"\n',
    '[project]\r\nname = "x"\r\n[tool.clean]\r\nmode = "careful"\r\n',
]


@pytest.mark.parametrize("content", TOOL_CLEAN_SPELLINGS)
def test_the_text_check_sees_every_spelling_of_tool_clean(tmp_path, content):
    import tomllib

    from cleaner.config import _may_have_tool_clean

    path = tmp_path / "pyproject.toml"
    path.write_text(content, encoding="utf-8")
    try:
        has = "clean" in tomllib.loads(content).get("tool", {})
    except tomllib.TOMLDecodeError:
        has = None                      # invalid: the parser must get to say so
    assert has in (True, None) and _may_have_tool_clean(path)


def test_a_pyproject_of_other_tools_is_not_parsed(tmp_path, monkeypatch):
    from cleaner import config

    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "cleaner"\n\n[project.scripts]\nclean = "cleaner.cli:main"\n\n'
                    '[tool.ruff]\nline-length = 100\n# [tool.clean] is not set\n'
                    'x = """\ntool_clean = 1\n"""\n', encoding="utf-8")

    def parse(path):
        raise AssertionError("parsed")

    monkeypatch.setattr(config, "_read_toml", parse)
    assert not config._may_have_tool_clean(path) and find_config(tmp_path) == Config()
