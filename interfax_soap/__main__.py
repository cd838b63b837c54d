"""``python -m interfax_soap``: the same as the ``interfax-soap`` command."""

import sys

from interfax_soap.cli import main

sys.exit(main())
