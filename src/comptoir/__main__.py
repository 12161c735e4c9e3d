"""The `comptoir` command: Django's management commands under one name.

comptoir migrate | demo | sweep --until 2027-03-31 | clock | terms check FILE | ...
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "comptoir"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
