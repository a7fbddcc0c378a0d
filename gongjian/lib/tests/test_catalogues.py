"""The zh_Hans catalogues are committed complete and compiled (the UI is Chinese first)."""

import gettext
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))


def parse_po(path: Path):
    """Yield (msgctxt, msgid, msgid_plural, [msgstr...], flags) for each entry except the header."""
    entries, current, key = [], None, None

    def unquote(line):
        return bytes(line.strip()[1:-1], "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")

    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if current and (current["msgid"] or current["ctxt"]):
                entries.append(current)
            current, key = None, None
            continue
        if current is None:
            current = {"ctxt": "", "msgid": "", "plural": "", "msgstr": {}, "flags": "", "obsolete": False}
        if line.startswith("#~"):
            current["obsolete"] = True
        elif line.startswith("#,"):
            current["flags"] += line
        elif line.startswith("#"):
            continue
        else:
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$', line)
            if match:
                word, index, value = match.groups()
                key = {"msgctxt": "ctxt", "msgid": "msgid", "msgid_plural": "plural"}.get(word, f"msgstr{index or ''}")
                if key.startswith("msgstr"):
                    current["msgstr"][key] = unquote(value)
                else:
                    current[key] = unquote(value)
            elif line.startswith('"') and key:
                if key.startswith("msgstr"):
                    current["msgstr"][key] += unquote(line)
                else:
                    current[key] += unquote(line)
    return [e for e in entries if not e["obsolete"]]


def test_it_has_catalogues():
    assert CATALOGUES, "no zh_Hans catalogue found"


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_it_translates_every_message(po):
    missing = [e["msgid"] for e in parse_po(po) if "fuzzy" in e["flags"] or not all(v.strip() for v in e["msgstr"].values())]
    assert not missing, f"{len(missing)} untranslated or fuzzy in {po}: {missing[:10]}"


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_it_ships_the_compiled_catalogue(po):
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run make messages"
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in parse_po(po):
        msgid = entry["msgid"] if not entry["ctxt"] else f"{entry['ctxt']}\x04{entry['msgid']}"
        if entry["plural"]:
            expected = entry["msgstr"].get("msgstr0", "")
            got = compiled._catalog.get((msgid, 0))
        else:
            expected = entry["msgstr"].get("msgstr", "")
            got = compiled._catalog.get(msgid)
        assert got == expected, f"{mo} is stale for {entry['msgid']!r}: run make messages"


def test_it_gives_each_message_one_translation_across_apps():
    """Django merges the catalogues and the first app in INSTALLED_APPS wins a shared msgid everywhere,
    so a msgid translated differently in two apps shows one app's wording on the other's pages."""
    seen = {}
    for po in CATALOGUES:
        for entry in parse_po(po):
            key = (entry["ctxt"], entry["msgid"], entry["plural"])
            translation = tuple(sorted(entry["msgstr"].items()))
            seen.setdefault(key, {}).setdefault(translation, []).append(str(po.relative_to(ROOT)))
    conflicts = {key: found for key, found in seen.items() if len(found) > 1}
    assert not conflicts, f"{len(conflicts)} msgids translated differently across catalogues (give one a msgctxt): " + "; ".join(
        f"{key[1]!r} {key[0]!r}: {found}" for key, found in list(conflicts.items())[:10]
    )
