"""`comptoir terms check` and `comptoir terms render`: exit codes, messages, never a traceback."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from comptoir.terms.loader import PRESET_NAMES, PRESETS_DIR

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> tuple[int, str, str]:
    out, err = _Capture(), _Capture()
    try:
        call_command("terms", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, out.text, err.text


class _Capture:
    def __init__(self) -> None:
        self.text = ""

    def write(self, s: str) -> None:
        self.text += s

    def flush(self) -> None:
        pass


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_presets_pass_check(name):
    with translation.override("en"):  # the summary line is translated (French by default)
        code, out, _ = run("check", str(PRESETS_DIR / f"{name}.toml"))
    assert code in (0, 1), out
    assert "0 error(s)" in out


def test_clean_file_exits_0():
    code, out, _ = run("check", str(PRESETS_DIR / "selective-beauty.toml"))
    assert code == 0
    assert out.splitlines()[0].endswith("selective-beauty.toml: ok")


def test_warnings_only_exit_1():
    code, out, _ = run("check", str(PRESETS_DIR / "marketplace.toml"))
    assert code == 1
    assert "acceptance_deadline_missing" in out


def test_linter_errors_exit_2(tmp_path):
    source = (PRESETS_DIR / "selective-beauty.toml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(source.replace('multiplier = "3"', 'multiplier = "2"'), encoding="utf-8")
    code, out, _ = run("check", str(bad))
    assert code == 2
    assert "late_payment.interest.multiplier" in out and "L441-10 II" in out


def test_schema_errors_exit_2_with_dotted_location(tmp_path):
    source = (PRESETS_DIR / "marketplace.toml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(source.replace("days = 60,", "days = -60,"), encoding="utf-8")
    code, out, _ = run("check", str(bad))
    assert code == 2
    assert "payment.options[1].due.days: Input should be greater than or equal to 0" in out
    assert "Traceback" not in out


def test_missing_file_exits_2(tmp_path):
    code, out, _ = run("check", str(tmp_path / "missing.toml"))
    assert code == 2
    assert "file not found" in out


def test_json_report(tmp_path):
    code, out, _ = run("check", "--json", str(PRESETS_DIR / "monthly-intranet.toml"))
    assert code == 1
    assert '"consumer_prices_excl_vat"' in out


def test_legal_rate_option(tmp_path):
    # with a legal rate of 3 %, the marketplace's 8 % a year falls below 3 × 3 % = 9 %
    code, out, _ = run("check", "--legal-rate", "3", str(PRESETS_DIR / "marketplace.toml"))
    assert code == 2
    assert "late_rate_below_floor" in out


@pytest.mark.django_db(databases=[])
def test_render_html_and_pdf(tmp_path):
    html = tmp_path / "terms.html"
    code, out, _ = run("render", str(PRESETS_DIR / "monthly-intranet.toml"), "--out", str(html))
    assert code == 0
    assert "Article 1" in html.read_text(encoding="utf-8")
    pdf = tmp_path / "terms.pdf"
    code, out, _ = run(
        "render", str(PRESETS_DIR / "monthly-intranet.toml"), "--format", "pdf", "--out", str(pdf)
    )
    assert code == 0
    assert pdf.read_bytes().startswith(b"%PDF-")


def test_render_invalid_file_exits_2(tmp_path):
    code, _, err = run("render", str(tmp_path / "missing.toml"), "--format", "text")
    assert code == 2
    assert "file not found" in err


def test_command_line_never_shows_a_traceback(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[meta]\ntitle = 1\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "comptoir", "terms", "check", str(bad)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "meta.title: Input should be a valid string" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


def test_quote_and_interest_are_dispatched(tmp_path):
    terms = str(PRESETS_DIR / "selective-beauty.toml")
    code, out, _ = run("quote", terms, str(tmp_path / "no-cart.json"))
    assert code == 2
    assert "cart" in out
    code, out, _ = run(
        "interest", terms, "--amount", "1000", "--due", "2026-03-31", "--paid", "2026-05-15"
    )
    assert code == 0
    assert "40.00" in out


def test_a_preset_can_be_named():
    code, out, _ = run("check", "selective-beauty")
    assert code == 0
    assert out.startswith("selective-beauty: ok")
