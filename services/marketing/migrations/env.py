from crm_chassis.migrations import run_env
from marketing import models

run_env(models.Base.metadata, "marketing")
