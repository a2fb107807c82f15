from crm_chassis.migrations import run_env
from sales import models

run_env(models.Base.metadata, "sales")
