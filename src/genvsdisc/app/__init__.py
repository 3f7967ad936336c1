"""The web app behind ``genvsdisc serve``: a 2-D playground, an image lab, a text lab
and a browser for the reports that ``genvsdisc compare`` writes.

>>> from genvsdisc.app import create_app
>>> app = create_app(results_dir="genvsdisc-report")
"""

from genvsdisc.app.config import Caps, LabConfig
from genvsdisc.app.server import create_app

__all__ = ["create_app", "Caps", "LabConfig"]
