from support import models

from crm_chassis.migrations import run_env

run_env(models.Base.metadata, "support")
