import sys

from crm_cli.main import main

sys.exit(main())
