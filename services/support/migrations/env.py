from crm_chassis.migrations import run_env
from support import models

run_env(models.Base.metadata, "support")
