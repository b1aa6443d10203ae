"""Rewrite flat settings access to the sections (issue 10, item 6). Re-runnable: a second run changes nothing.

    python scripts/rewrite-settings-access.py [--check] [PATH...]   (default: contact_centre tests bench)

`settings.smtp_port` becomes `settings.section(EmailSettings).smtp_port` (and the import is added),
`settings.timezone` becomes `settings.app.timezone`; `replace(rt.settings, x=…)` becomes
`rt.settings.replace(x=…)`; `Settings.from_env(` becomes `load_settings(`. The mapping is read from the
sections' declarations (contact_centre/settings/core.py and contact_centre/channels/*/config.py) without
importing them, so it works while modules move; run `ruff check --fix --select I,F401` afterwards.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "contact_centre"
CORE_ATTRIBUTES = {
    "AppSettings": "app",
    "DatabaseSettings": "database",
    "JobsSettings": "jobs",
    "QueueSettings": "queue",
    "StorageSettings": "storage",
    "TrackingSettings": "tracking",
}
# Old names that are not fields: properties, or fields whose callers want another view of them.
EXTRA = {
    "uses_redis": ("JobsSettings", "uses_redis"),
    "sends_mail": ("EmailSettings", "sends_mail"),
    # Callers want the bare address and the name to show (MAIL_FROM may be « Mairie <grc@ville.fr> »).
    "mail_from": ("EmailSettings", "from_address"),
    "mail_from_name": ("EmailSettings", "from_name"),
}
DECLARATIONS = {*(PACKAGE / "settings").glob("*.py"), PACKAGE / "channels" / "__init__.py"}


def sections() -> dict[str, tuple[str, str | None]]:
    """Section class → (how to reach it, the module to import it from when it is a channel's)."""
    found: dict[str, tuple[str, str | None]] = {}
    fields: dict[str, str] = {}
    for path in [PACKAGE / "settings" / "core.py", *sorted((PACKAGE / "channels").glob("*/config.py"))]:
        DECLARATIONS.add(path)
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for node in ast.parse(path.read_text()).body:
            if not (
                isinstance(node, ast.ClassDef) and node.name.endswith("Settings") and node.name != "Settings"
            ):
                continue
            if node.name in CORE_ATTRIBUTES:
                found[node.name] = (CORE_ATTRIBUTES[node.name], None)
            else:
                found[node.name] = (f"section({node.name})", module)
            for item in node.body:
                if (
                    isinstance(item, ast.AnnAssign)
                    and isinstance(item.target, ast.Name)
                    and "ClassVar" not in ast.unparse(item.annotation)
                ):
                    fields[item.target.id] = node.name
    MAPPING.clear()
    for name, kind in fields.items():
        MAPPING[name] = (kind, name)
    MAPPING.update(EXTRA)
    return found


MAPPING: dict[str, tuple[str, str]] = {}
RECEIVER = r"(?<!\w)(settings|_settings\(\)|resolved\(\))"


def rewrite(source: str, found: dict[str, tuple[str, str | None]]) -> str:
    imports: set[tuple[str, str]] = set()
    names = "|".join(sorted(MAPPING, key=len, reverse=True))

    def access(match: re.Match[str]) -> str:
        kind, attribute = MAPPING[match.group(2)]
        path, module = found[kind]
        if module is not None:
            imports.add((module, kind))
        return f"{match.group(1)}.{path}.{attribute}"

    # A local name for the settings (`s = self.settings`) is a receiver too.
    aliases = set(re.findall(r"^\s*(\w+) = (?:[\w.()]+\.)?settings\s*$", source, re.M)) - {"settings"}
    receiver = (
        RECEIVER
        if not aliases
        else rf"(?<!\w)(settings|_settings\(\)|resolved\(\)|{'|'.join(sorted(aliases))})"
    )
    source = re.sub(receiver + rf"\.({names})\b(?!\s*\()", access, source)
    source = re.sub(
        r"(?<![\w.])replace\((\s*)((?:\w+\.)*settings)\s*,(\s*)",
        lambda m: f"{m.group(2)}.replace(" + next((w for w in (m.group(3), m.group(1)) if "\n" in w), ""),
        source,
    )
    if "Settings.from_env(" in source:
        source = source.replace("Settings.from_env(", "load_settings(")
        settings_import = re.compile(r"^(\s*)from contact_centre\.settings import Settings\n", re.M)
        if not re.search(r"\bSettings\b", settings_import.sub("", source)):
            # Settings was imported only to load it: import the loader in its place (bench keeps them local).
            source = settings_import.sub(r"\1from contact_centre.plugins import load_settings\n", source)
        imports.add(("contact_centre.plugins", "load_settings"))
    for module, name in sorted(imports):
        if not re.search(rf"^\s*from {re.escape(module)} import .*\b{name}\b", source, re.M):
            source = _add_import(source, f"from {module} import {name}")
    return source


def _add_import(source: str, line: str) -> str:
    """After the module's last top-level import (ruff's isort puts it in its place)."""
    lines = source.splitlines(keepends=True)
    tree = ast.parse(source)
    last = 0
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            last = node.end_lineno or node.lineno
        elif last and not isinstance(node, ast.Expr):
            break
    lines.insert(last, line + "\n")
    return "".join(lines)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    targets = [Path(a) for a in argv if a != "--check"] or [
        ROOT / "contact_centre",
        ROOT / "tests",
        ROOT / "bench",
    ]
    found = sections()
    changed = []
    for target in targets:
        for path in sorted(target.rglob("*.py")) if target.is_dir() else [target]:
            if path.resolve() in DECLARATIONS or path.resolve() == Path(__file__).resolve():
                continue
            before = path.read_text()
            after = rewrite(before, found)
            if after != before:
                changed.append(path)
                if not check:
                    path.write_text(after)
    for path in changed:
        print(path.relative_to(ROOT) if path.is_absolute() else path)
    return 1 if check and changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
