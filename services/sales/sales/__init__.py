"""The sales service: pipelines, deals, quotes to orders, activities and their follow-ups."""
