from crm_chassis.migrations import run_env
from reporting import models

run_env(models.Base.metadata, "reporting")
