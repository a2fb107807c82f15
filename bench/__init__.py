"""A one-shot performance bench of the platform: baselines, gateway, search, import.

Run it with ``python -m bench [--quick|--full] [--duration SECONDS]``; see bench/README.md.
"""

import warnings

# nameko 2.14 imports eventlet, which warns about itself on import; the bench does not use it.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
