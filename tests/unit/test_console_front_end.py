"""The console's front end as files: small ES modules, one event list, one string catalogue."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path, PurePosixPath

import pytest

from contact_centre.console.strings import STRINGS as CORE_STRINGS
from contact_centre.plugins import channel_plugins

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "contact_centre"
JS = PACKAGE / "static" / "js"
MODULES = JS / "console"
PLUGINS = channel_plugins()
# Each module by the path it is served at (under /static/): a channel's come from its package.
SERVED = {
    **{PurePosixPath("js") / p.relative_to(JS).as_posix(): p for p in MODULES.rglob("*.js")},
    **{
        PurePosixPath("js/console/channels") / plugin.name / name: PACKAGE
        / "channels"
        / plugin.name
        / "static"
        / name
        for plugin in PLUGINS
        for name in plugin.console_scripts
    },
}
STRINGS = {**CORE_STRINGS, **{k: v for plugin in PLUGINS for k, v in plugin.console_strings.items()}}
TEMPLATES = [
    PACKAGE / "templates" / "console" / "index.html",
    *(PACKAGE / "templates" / "console" / "panels").rglob("*.html"),
    *(PACKAGE / "channels").glob("*/templates/console/**/*.html"),
]
MAX_LINES = 400
# Keys built from a value the server sends (a call's status, an audit action), looked up with has().
DYNAMIC_PREFIXES = ("phone.status.", "timeline.")

KEY_USE = re.compile(r"""\btn?\(\s*['"]([^'"]+)['"]\s*[,)]""")
IMPORT = re.compile(r"""^\s*import\s+(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]""", re.M)
BUS_USE = re.compile(r"""(?<![\w.])(?:on|emit)\(\s*['"]([^'"]+)['"]""")
FRENCH_LITERAL = re.compile(r"""(['"`])(?:(?!\1).)*[À-ÿ’«»](?:(?!\1).)*\1""")


def _modules() -> list[Path]:
    return sorted(SERVED.values())


def _code(path: Path) -> str:
    """The file without its comments (JS and Jinja): comments quote event names, keys and French words."""
    text = re.sub(r"/\*.*?\*/|\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"(^|\s)//.*$", r"\1", text, flags=re.M)


def test_no_script_is_over_400_lines():
    too_long = {
        str(p.relative_to(PACKAGE)): n
        for p in [*JS.rglob("*.js"), *(PACKAGE / "channels").glob("*/static/**/*.js")]
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}


def test_every_string_key_used_by_the_scripts_and_templates_is_in_the_catalogue():
    used = {key: path.name for path in [*_modules(), *TEMPLATES] for key in KEY_USE.findall(_code(path))}
    assert len(used) > 100
    missing = {key: where for key, where in used.items() if key not in STRINGS}
    assert missing == {}


def test_every_catalogue_entry_is_used():
    used = {key for path in [*_modules(), *TEMPLATES] for key in KEY_USE.findall(_code(path))}
    plural_singulars = {key + ".one" for key in used}
    unused = [
        key
        for key in STRINGS
        if key not in used and key not in plural_singulars and not key.startswith(DYNAMIC_PREFIXES)
    ]
    assert unused == []


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_a_module_writes_no_french_and_sets_no_global(path):
    code = _code(path)
    assert FRENCH_LITERAL.findall(code) == [], "UI strings come from the catalogue: t('key')"
    assert re.findall(r"\bwindow\.\w+\s*=[^=]", code) == []
    if path.name != "bus.js":  # events between modules go through the bus, never through the document
        assert "dispatchEvent" not in code and "CustomEvent(" not in code


def test_templates_take_their_strings_from_the_catalogue():
    for path in TEMPLATES:
        assert not re.search(r"\b_\(|gettext\(", path.read_text(encoding="utf-8")), path.name


def test_every_import_names_a_module_that_exists():
    for served, path in SERVED.items():
        for target in IMPORT.findall(_code(path)):
            assert target.startswith("."), f"{path.name}: {target} (no bare imports without a build step)"
            # Resolved as the browser does, from the URL the module is served at.
            resolved = PurePosixPath(posixpath.normpath(served.parent / target))
            assert resolved in SERVED, f"{served}: {target}"


def test_every_plugin_script_and_panel_exists_and_no_module_is_left_unserved():
    for plugin in PLUGINS:
        for name in plugin.console_scripts:
            assert (PACKAGE / "channels" / plugin.name / "static" / name).is_file(), name
        for template in plugin.console_panels.values():
            assert (PACKAGE / "channels" / plugin.name / "templates" / template).is_file(), template
    on_disk = set((PACKAGE / "channels").glob("*/static/**/*.js"))
    assert on_disk <= set(SERVED.values()), "a channel module no plug-in serves"


def test_the_events_exchanged_are_the_ones_listed_in_the_bus_and_the_readme():
    bus = (MODULES / "bus.js").read_text(encoding="utf-8")
    listed = set(re.findall(r"'([a-z-]+:[a-z-]+)'", bus.split("const EVENTS", 1)[1].split("]);", 1)[0]))
    header = bus.split("*/", 1)[0]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Console front end: modules and events", 1)[1].split("\n## ", 1)[0]
    used = {name for path in _modules() for name in BUS_USE.findall(_code(path))}
    assert used == listed
    for name in listed:
        assert re.search(rf"^ \*\s+{re.escape(name)}\s", header, re.M), f"{name} not described in bus.js"
        assert f"`{name}`" in section, f"{name} not described in the README"
