"""``python -m genvsdisc``: the same command as the ``genvsdisc`` console script.

Useful where the script is not on PATH (a virtual environment not activated,
``pip install --user``), and for ``python -m cProfile -m genvsdisc ...``.
"""

from genvsdisc.cli import main

if __name__ == "__main__":
    main()
