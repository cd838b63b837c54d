"""Every Spyne 2.14 shim, one function each, applied once before Spyne is imported.

Spyne 2.14.0 is the last release. We use its modelling (types, ``@rpc`` descriptors,
``Application.interface``) and serve the .asmx wire ourselves (``interfax_soap.asmx``), so the
transport shims STACK-NOTES.md lists for ``spyne.server.twisted`` are not needed. What remains:

- ``_six_with_find_spec``: Spyne vendors six 1.14, whose meta-path importer has no
  ``find_spec``; Python 3.12 removed the ``find_module`` fallback, so ``import spyne`` fails
  there with ``No module named 'spyne.util.six.moves'`` (and warns on 3.11).
- Python 3.13 removed ``cgi``, which Spyne imports: setup.cfg depends on ``legacy-cgi`` there.

tests/soap/test_compat.py fails when upstream behaviour changes, so a shim can be dropped.
"""

from __future__ import annotations

import importlib.util
import operator
import sys
import warnings

__all__ = ["apply_shims"]

_applied = False


def _six_with_find_spec() -> None:
    """Loads the real six (>= 1.16, which has find_spec) under the name ``spyne.util.six``."""
    if "spyne.util.six" in sys.modules:
        return
    import six

    # Executed under Spyne's name, six registers its ``moves`` importer as
    # ``spyne.util.six.moves``, which is what Spyne's modules import.
    spec = importlib.util.spec_from_file_location("spyne.util.six", six.__file__)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["spyne.util.six"] = module
    spec.loader.exec_module(module)
    if not hasattr(module, "get_function_name"):
        # Spyne's copy carries this helper; the upstream six does not.
        module.get_function_name = operator.attrgetter("__name__")


def _quiet_import_warnings() -> None:
    """Spyne imports ``cgi`` (deprecated on 3.11/3.12); the warning is upstream's, not ours."""
    warnings.filterwarnings("ignore", message="'cgi' is deprecated", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=DeprecationWarning, module="spyne")


def apply_shims() -> None:
    """Applies every shim once; call before the first ``import spyne``."""
    global _applied
    if _applied:
        return
    _quiet_import_warnings()
    _six_with_find_spec()
    _applied = True


apply_shims()
