"""A table of hostile and malformed inputs run against the real ``zonage`` command line.

Each row is an argument list and the exit code it must give. For every row: that exit code,
no traceback, at most one error line of at most 300 characters on stderr (notes aside), no raw
control or invisible character written back, and nothing on stdout when it fails. Most rows
run ``application.cli.main`` in this process (fast); the few that need a real process
(undecodable argument bytes, an output device) run the installed command. Full, closed and
early-closed standard streams are tested with their exact messages in
``application/tests/test_cli_lookup.py``.

The address service is a closed loopback port: addresses fall back to the offline gazetteer.
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from application.cli import main
from geo import settings
from zonage.catalogue import load_catalogue
from zonage.profiles import PROFILE_IDS

pytestmark = pytest.mark.probe

ROOT = Path(__file__).resolve().parent.parent
CLOSED_BAN = "http://127.0.0.1:9"
BIG = 100_000
ERROR_PREFIX = "zonage : erreur : "
NOTE_PREFIX = "zonage : note : "
# Output-path rows (another part of the project checks --out): expected to fail until it is in.
OUTPUT_PATH_CHECKS = "output path checks"


@dataclass(frozen=True)
class Row:
    """One probe: the arguments (``{tmp}``, ``{file}``, ``{folder}`` are filled in), the exit
    code, and how to run it."""

    args: tuple[str, ...]
    code: int
    process: bool = False  # run the installed command in a subprocess
    out_path: str | None = None  # the sub-command whose --out is checked by the path checks
    label: str = ""

    @property
    def id(self) -> str:
        text = self.label or " ".join(self.args)
        shown = "".join(ch if ch.isprintable() and ch.isascii() else "?" for ch in text)
        return shown[:60] or "(rien)"


Add = Callable[..., None]


def _place_rows(add: Add) -> None:
    """INSEE codes and coordinates."""
    # --- INSEE codes ------------------------------------------------------------------------
    for code in ("31555", "09122", " 31555 ", "\t09122\n", "12076"):  # 12076: a former code
        add(0, "lookup", "--insee", code)
    add(0, "lookup", "--insee=31555", "--json")
    for code in (
        "", " ", "abc", "3155", "315555", "31 555", "３１５５５", "٣١٥٥٥", "३१५५५", "31_555",
        "+31555", "-31555", "31555.0", "3.1e4", "0x7AB3", "²1555", "2C004", "31555\x00",
        "\x1b[31m31555", "\u202e31555", "31555\n09122", "ıı555", "31555;rm -rf /",
        "<script>alert(1)</script>", "x" * BIG, "\ud800\udc00",
    ):  # fmt: skip
        add(2, "lookup", "--insee", code, label=f"insee {code[:30]!r}")
    for code in ("75056", "2A004", "2b033", "97105", "00000", "31999"):
        add(3, "lookup", "--insee", code)

    # --- coordinates ------------------------------------------------------------------------
    for lat, lon in (
        ("43.6045", "1.4440"), ("43,6045", "1,4440"), (" 43.6 ", " 1.44 "), ("43.6°", "1.44°"),
        ("43,2328", "0.0781"), ("043.6045", "001.4440"),
    ):  # fmt: skip
        add(0, "lookup", "--lat", lat, "--lon", lon)
    add(0, "lookup", "--lat=43.30", "--lon=-0.10", "--json")
    for lat in (
        "4_3.6", "1e1", "4.36E1", "nan", "NaN", "inf", "-inf", "infinity", "0x10", "+43.6",
        "４３.６", "٤٣.٦", "43.", ".5", "43.6.1", "43,6,1", "", "  ", "95", "-91", "1" * 40,
        "\x1b[2J43.6", "43.6\x00", "\u202e43.6", "43.6 N", "N43.6", "4°3.6", "9" * BIG,
        "\u00a043.6",
    ):  # fmt: skip
        add(2, "lookup", "--lat", lat, "--lon", "1.44", label=f"lat {lat[:30]!r}")
    for lon in ("181", "-180.5", "1_4", "1e0", "\x1b[0m"):
        add(2, "lookup", "--lat", "43.6", "--lon", lon, label=f"lon {lon!r}")
    add(2, "lookup", "--lat", "43.6")
    add(2, "lookup", "--lon", "1.44")
    add(2, "lookup", "--lat", "-43,6", "--lon", "1.44")  # argparse: looks like an option
    add(2, "lookup", "--lat", "43.6", "--lat", "43.7", "--lon", "1.44")
    for lat, lon in (("48.8566", "2.3522"), ("43.2", "3.8"), ("0", "0"), ("-43.6", "1.44")):
        add(3, "lookup", "--lat", lat, "--lon", lon)
    add(3, "lookup", "--lat", "1.444", "--lon", "43.6045")  # swapped


def _date_profile_aid_rows(add: Add) -> None:
    """Dates, profiles and aid ids."""
    # --- dates ------------------------------------------------------------------------------
    for date in (
        "2024-07-01", " 2024-07-01 ", "2026-01-02", "2023-12-31", "2000-02-29", "", "0001-01-01",
        "9999-12-31",
    ):  # fmt: skip
        add(0, "aids", "--insee", "31555", "--date", date)
    for date in (
        "2024-02-30", "2023-02-29", "0000-01-01", "2024-13-01", "2024-00-10", "2024-7-1",
        "20240701", "2024/07/01", "01/07/2024", "2024-07-01T00:00", "２０２４-０７-０１",
        "2024_07_01", "demain", "\x1b[2J", "2024-07-01\x00", "\u202e2024-07-01", "d" * BIG,
        "+2024-07-01", "-2024-07-01", "2024-07-01\n2025-01-01",
    ):  # fmt: skip
        add(2, "aids", "--insee", "31555", "--date", date, label=f"date {date[:30]!r}")

    # --- profiles ---------------------------------------------------------------------------
    for profile in (*PROFILE_IDS, "tous", "TOUS", " liberal-installation ", ""):
        add(0, "aids", "--insee", "09122", "--profile", profile, "--date", "2025-06-01")
    for profile in (
        "medecin", "liberal_installation", "ｌｉｂｅｒａｌ-installation", "liberal-ınstallation",
        "\x1b[31mtous", "tous\x00", "\u202etous", "p" * BIG, "liberal-installation,tous", "*",
    ):  # fmt: skip
        add(2, "aids", "--insee", "31555", "--profile", profile, label=f"profil {profile[:30]!r}")

    # --- aid ids ----------------------------------------------------------------------------
    for aid in (*load_catalogue().ids, "CAIM", " cesp "):
        add(0, "aids", "--insee", "31555", "--aid", aid, "--all", "--date", "2025-06-01")
    add(0, "aids", "--insee", "31555", "--aid", "caim", "--aid", "cet", "--json")
    for aid in ("caimm", "", "ｃａｉｍ", "caim\x00", "\x1b]0;x\x07caim", "a" * BIG, "caim,cet"):
        add(2, "aids", "--insee", "31555", "--aid", aid, label=f"aid {aid[:30]!r}")


def _address_rows(add: Add) -> None:
    """Addresses, the address service being down."""
    # --- addresses (the address service is down: offline gazetteer) -------------------------
    for text in (
        "Toulouse", "Foix", "Saint-Girons", "31000", "09200 Saint-Girons", "43.6045, 1.4440",
        "43,6045; 1,4440", "Toulouse 🏥", "NÎMES", "Oô", "Saint-Michel (32)",
        "3 rue X, 09200 Saint-Girons",
    ):  # fmt: skip
        add(0, "lookup", "--address", text)
    for text in (
        "", "   ", "\x1b[31mToulouse", "Foix\x00", "\u202eesuoluoT", "a" * BIG, "Saint-Michel",
        "Toul\u200bouse", "Foix\ud800", "95.0, 1.44", "\x07\x07\x07", "Foix\x1b]8;;http://x\x07",
    ):  # fmt: skip
        add(2, "lookup", "--address", text, label=f"adresse {text[:30]!r}")
    for text in (
        "zzqxw vvbnk", "Paris", "75001", "🏥🏥🏥", "<script>alert(1)</script>", "Rue " * 45,
        "'; DROP TABLE communes; --", "ab", "[lien](https://evil.example)",
    ):  # fmt: skip
        add(3, "lookup", "--address", text, label=f"adresse {text[:30]!r}")
    add(0, "aids", "--address", "Foix", "--profile", "liberal-installation")


def _option_rows(add: Add) -> None:
    """Option combinations, unknown options and commands."""
    # --- option combinations, unknown options and commands ----------------------------------
    add(2, "lookup", "--insee", "31555", "--address", "Toulouse")
    add(2, "lookup", "--insee", "31555", "--lat", "43.6", "--lon", "1.44")
    add(2, "lookup", "--address", "Foix", "--lat", "43", "--lon", "1")
    add(2, "lookup")
    add(2, "aids")
    add(2, "aids", "--profile", "tous")
    add(2, "lookup", "--insee", "31555", "--insee", "31555")
    add(2, "aids", "--insee", "31555", "--date", "2024-01-01", "--date", "2025-01-01")
    add(2, "aids", "--insee", "31555", "--profile", "tous", "--profile", "tous")
    add(2, "lookup", "--insee", "31555", "--profile", "tous")
    add(2, "lookup", "--insee", "31555", "extra")
    add(2, "lookup", "--insee", "31555", "--", "x")
    add(2, "lookup", "--json=oui", "--insee", "31555")
    add(2, "lookup", "--insee=")
    add(2, "lookup", "--frob")
    add(2, "lookup", "-x")
    add(2, "lookup", "--insee")
    add(2, "lookup", "--insee", "31555", "--frob", "\x1b[31m" + "z" * BIG)
    add(0, "lookup", "--insee", "31555", "--json", "--json")
    add(0, "aids", "--insee", "31555", "--all", "--json")
    for args in ((), ("frob",), ("LOOKUP",), ("--version",), ("\x1b[31m",), ("-",), ("--",)):
        add(2, *args)
    add(2, "data")
    add(2, "data", "frob")
    add(2, "export-map")
    for args in (("--help",), ("lookup", "--help"), ("aids", "-h"), ("export-map", "--help")):
        add(0, *args)


def _output_rows(add: Add) -> None:
    """Output paths, then the rows that need a real process."""
    # --- output paths -----------------------------------------------------------------------
    for out in (
        "{tmp}/absent/carte.html", "{folder}", "/dev/full", "{tmp}/" + "a" * 300 + ".html",
        "/proc/x.html", "/proc/x", "{file}/carte.html", "{tmp}/carte.txt", "",
    ):  # fmt: skip
        add(2, "export-map", "--out", out, "--no-tiles", out_path="export-map")
    add(2, "export-map", "--out", "{tmp}/carte.html", "--departement", "99")
    add(2, "export-map", "--out", "{tmp}/carte.html", "--layers", "frob")
    add(2, "export-map", "--out", "{tmp}/carte.html", "--departement", "\x1b[31m" + "9" * BIG)
    add(2, "export-map", "--out", "{tmp}/carte.html", "--layers", "\u202e" + "q" * BIG)
    add(0, "export-map", "--out", "{tmp}/carte.html", "--departement", "09", "--no-tiles")
    for out in (
        "/dev/full", "{file}", "{folder}", "{tmp}/" + "b" * 300, "/proc/x", "{tmp}/absent/build",
    ):  # fmt: skip
        add(2, "data", "build", "--out", out, out_path="data build")

    # --- a real process: an output device, raw argument bytes ------------------------------
    add(2, "export-map", "--out", "/dev/full", process=True, out_path="export-map")
    add(2, "lookup", "--insee", "\udcff\udcfe", process=True, label="insee undecodable bytes")
    add(2, "lookup", "--address", "Foix\udcff", process=True, label="address undecodable bytes")
    add(0, "lookup", "--address", "Saint-Girons", process=True)


def _rows() -> list[Row]:
    rows: list[Row] = []

    def add(code: int, *args: str, **kw) -> None:
        rows.append(Row(tuple(args), code, **kw))

    for section in (_place_rows, _date_profile_aid_rows, _address_rows, _option_rows, _output_rows):
        section(add)
    return rows


ROWS = _rows()


@dataclass
class Tally:
    tried: int = 0
    handled: int = 0
    failed: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def tally(request: pytest.FixtureRequest) -> Iterator[Tally]:
    counts = Tally()
    yield counts
    line = f"CLI probe: {counts.tried} rows tried, {counts.handled} handled" + (
        f", not handled: {', '.join(counts.failed)}" if counts.failed else ""
    )
    plugins = request.config.pluginmanager
    reporter = plugins.get_plugin("terminalreporter")
    capture = plugins.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.ensure_newline()
            reporter.write_line(line)


@pytest.fixture(scope="module")
def places(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    tmp = tmp_path_factory.mktemp("probe")
    folder = tmp / "dossier"
    folder.mkdir()
    (folder / "notes.txt").write_text("à garder\n", encoding="utf-8")
    file = tmp / "fichier.txt"
    file.write_text("à garder\n", encoding="utf-8")
    return {"tmp": str(tmp), "folder": str(folder), "file": str(file)}


def _output_checks_in(command: str) -> bool:
    """Whether ``command`` checks its --out before writing (else the row must not even run:
    without the check, ``--out /dev/full`` would replace the device by a file)."""
    if command == "export-map":
        import application.cli.export_map as module

        needles = ("check_map_file", "check_output_file")
    else:
        import application.cli.data as module

        needles = ("check_build_dir",)
    source = inspect.getsource(module)
    return any(n in source for n in needles)


def _unsafe(text: str) -> list[str]:
    """Raw control, invisible or surrogate characters in ``text`` (line breaks aside)."""
    return [
        f"U+{ord(ch):04X}"
        for ch in text
        if ch != "\n" and unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp")
    ]


def _run_in_process(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def _run_process(args: list[str], tmp: Path) -> tuple[int, str, str]:
    env = {
        **os.environ,
        "ZONAGE_BUILD_DIR": str(settings.BUILD_DIR),
        "ZONAGE_CACHE": str(tmp / "cache"),
        "ZONAGE_BAN_URL": CLOSED_BAN,
        "ZONAGE_BAN_RETRIES": "0",
    }
    exe = str(Path(sys.executable).with_name("zonage"))
    argv = [os.fsencode(a) for a in (exe, *args)]  # undecodable bytes go through as bytes
    proc = subprocess.run(
        argv, env=env, cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True, timeout=120
    )
    return (
        proc.returncode,
        proc.stdout.decode("utf-8", "replace"),
        proc.stderr.decode("utf-8", "replace"),
    )


@pytest.fixture
def probe_settings(built_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "BUILD_DIR", built_dir)
    monkeypatch.setattr(settings, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr(settings, "BAN_URL", CLOSED_BAN)
    monkeypatch.setattr(settings, "BAN_RETRIES", 0)
    monkeypatch.setattr(settings, "BAN_TIMEOUT_S", 1.0)
    monkeypatch.setattr(settings, "DEBUG", False)
    return tmp_path


@pytest.mark.parametrize("row", ROWS, ids=[f"{i:03d}-{r.id}" for i, r in enumerate(ROWS)])
def test_probe_row(row: Row, tally: Tally, places, probe_settings, capsys) -> None:
    if row.out_path and not _output_checks_in(row.out_path.split()[0]):
        pytest.xfail(OUTPUT_PATH_CHECKS)
    args = [a.format(**places) for a in row.args]
    tally.tried += 1
    if row.process:
        code, out, err = _run_process(args, probe_settings)
    else:
        code, out, err = _run_in_process(args, capsys)
    lines = err.splitlines()
    errors = [line for line in lines if not line.startswith(NOTE_PREFIX)]
    problems = []
    if code != row.code:
        problems.append(f"exit {code}, expected {row.code}")
    if "Traceback" in err or "Exception ignored" in err:
        problems.append("traceback")
    if len(errors) > 1 or sum(len(line) for line in errors) > 300:
        problems.append(f"stderr: {len(errors)} lines, {sum(map(len, errors))} characters")
    if _unsafe(err):
        problems.append(f"raw characters on stderr: {_unsafe(err)[:5]}")
    if row.code != 0 and not (errors and errors[0].startswith(ERROR_PREFIX)):
        problems.append("no « zonage : erreur : » line")
    if row.code != 0 and out:
        problems.append(f"{len(out)} characters on stdout for a failure")
    if row.code == 0 and not out:
        problems.append("no answer on stdout")
    if problems:
        tally.failed.append(row.id)
    else:
        tally.handled += 1
    assert not problems, f"{problems}\nstderr: {err[:600]!r}"


def test_probe_table_is_large_enough() -> None:
    assert len(ROWS) >= 150
    assert sum(r.process for r in ROWS) <= 12  # most rows in-process: the table stays fast


def test_probe_left_the_given_paths_alone(places) -> None:
    # Runs after the table: no --out given as a folder or a file replaced or emptied them.
    assert Path(places["file"]).read_text(encoding="utf-8") == "à garder\n"
    folder = Path(places["folder"])
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "à garder\n"
    assert Path("/dev/full").is_char_device()
