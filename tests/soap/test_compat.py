"""One test per shim in interfax_soap/soap/compat.py, each failing when the upstream behaviour
that made the shim necessary changes (so the shim can be dropped), plus proof that the shims
work. Checks that depend on import order run in a fresh interpreter.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
import six

from interfax_soap.soap import compat

ROOT = Path(__file__).resolve().parents[2]


def _spyne_dir() -> Path:
    spec = importlib.util.find_spec("spyne")  # locates the package without importing it
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations)))


def _python(code: str, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *options, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


# _six_with_find_spec -------------------------------------------------------------------------


def test_spyne_still_vendors_a_six_without_find_spec() -> None:
    """When Spyne's own six gains find_spec (six >= 1.16), ``_six_with_find_spec`` can go."""
    text = (_spyne_dir() / "util" / "six.py").read_text(encoding="utf-8")

    assert "def find_module(" in text
    assert "def find_spec(" not in text


def test_without_the_shim_importing_spyne_needs_the_removed_find_module_fallback() -> None:
    """Python 3.11 warns and falls back to find_module; 3.12 removed the fallback."""
    completed = _python("import spyne, spyne.util.six.moves", "-W", "error::ImportWarning")

    assert completed.returncode != 0, "import spyne works unshimmed: drop _six_with_find_spec"
    assert (
        "find_spec() not found" in completed.stderr or "spyne.util.six.moves" in completed.stderr
    ), completed.stderr


def test_upstream_six_has_find_spec_but_not_spynes_get_function_name() -> None:
    assert tuple(int(p) for p in six.__version__.split(".")[:2]) >= (1, 16)
    assert hasattr(six._SixMetaPathImporter, "find_spec")
    # Spyne calls six.get_function_name, which only its vendored copy defines: the shim adds it.
    assert not hasattr(six, "get_function_name")
    vendored = (_spyne_dir() / "util" / "six.py").read_text(encoding="utf-8")
    assert "get_function_name = " in vendored
    interface = (_spyne_dir() / "interface" / "_base.py").read_text(encoding="utf-8")
    assert "six.get_function_name(" in interface


def test_after_the_shim_spyne_imports_and_its_six_moves_resolve() -> None:
    code = (
        "import interfax_soap.soap.compat\n"
        "import spyne, six\n"
        "import spyne.util.six as vendored\n"
        "import spyne.util.six.moves\n"
        "from spyne.util.six.moves import range as _r\n"
        "from spyne.util.six.moves.urllib.parse import quote\n"
        "assert vendored.__file__ == six.__file__, vendored.__file__\n"
        "assert vendored.get_function_name(len) == 'len'\n"
        "from interfax_soap.soap.outbound import build_application\n"
        "app = build_application()\n"
        "assert any(k.endswith('}SendCharFax') for k in app.interface.service_method_map)\n"
        "print('ok')\n"
    )

    completed = _python(code, "-W", "error::ImportWarning")

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "ok"


def test_in_this_process_spyne_util_six_is_the_upstream_six() -> None:
    import spyne.util.six as vendored

    assert vendored.__file__ == six.__file__
    assert vendored.get_function_name(test_in_this_process_spyne_util_six_is_the_upstream_six) == (
        "test_in_this_process_spyne_util_six_is_the_upstream_six"
    )
    assert (
        "spyne.util.six.moves" in sys.modules
        or importlib.util.find_spec("spyne.util.six.moves") is not None
    )


def test_apply_shims_is_idempotent() -> None:
    before = sys.modules["spyne.util.six"]

    compat.apply_shims()
    compat._six_with_find_spec()

    assert sys.modules["spyne.util.six"] is before


# _quiet_import_warnings ----------------------------------------------------------------------


@pytest.mark.skipif(sys.version_info >= (3, 13), reason="cgi is gone; legacy-cgi does not warn")
def test_spyne_still_imports_the_deprecated_cgi_module() -> None:
    """When Spyne stops importing cgi, ``_quiet_import_warnings`` (and legacy-cgi) can go."""
    code = (
        "import warnings\n"
        "import interfax_soap.soap.compat\n"
        "warnings.resetwarnings()\n"  # drop the shim's filters, keep its six
        "warnings.simplefilter('error', DeprecationWarning)\n"
        "import spyne.protocol.soap\n"
    )

    completed = _python(code)

    assert completed.returncode != 0, "Spyne no longer warns on import: drop the filter"
    assert "'cgi' is deprecated" in completed.stderr, completed.stderr


def test_with_the_shim_spyne_imports_without_deprecation_warnings() -> None:
    code = "import interfax_soap.soap.compat\nimport spyne.protocol.soap\nimport spyne.interface\n"

    completed = _python(code, "-W", "error::DeprecationWarning", "-W", "error::ImportWarning")

    assert completed.returncode == 0, completed.stderr


def test_the_warning_filter_does_not_hide_our_own_deprecations() -> None:
    code = (
        "import warnings\n"
        "import interfax_soap.soap.compat\n"
        "warnings.warn_explicit('ours', DeprecationWarning, 'x.py', 1, module='interfax_soap.x')\n"
    )

    completed = _python(code, "-W", "error::DeprecationWarning")

    assert completed.returncode != 0
    assert "ours" in completed.stderr


# legacy-cgi (Python >= 3.13) -----------------------------------------------------------------


def test_spyne_needs_cgi_and_legacy_cgi_is_declared_for_python_3_13() -> None:
    soap11 = (_spyne_dir() / "protocol" / "soap" / "soap11.py").read_text(encoding="utf-8")
    assert "import cgi" in soap11, "Spyne no longer imports cgi: drop the legacy-cgi dependency"

    requirements = importlib.metadata.requires("interfax-soap") or []
    legacy = [r for r in requirements if r.replace(" ", "").startswith("legacy-cgi;")]
    assert legacy, requirements
    assert 'python_version>="3.13"' in legacy[0].replace(" ", "")


# Transport shims deliberately not applied ----------------------------------------------------


def test_spyne_twisted_transport_is_still_broken_and_the_server_does_not_use_it() -> None:
    """compat.py skips STACK-NOTES' transport shims because the wire is ours; if Spyne's
    Twisted server becomes importable, that decision can be revisited."""
    code = (
        "import sys\n"
        "import interfax_soap.app\n"
        "assert not [m for m in sys.modules if m.startswith('spyne.server.twisted')], 'used'\n"
        "try:\n"
        "    import spyne.server.twisted\n"
        "except ModuleNotFoundError as exc:\n"
        "    print(exc.name)\n"
    )

    completed = _python(code)

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "twisted.python.constants"
