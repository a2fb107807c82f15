"""`crm demo`: a realistic, reproducible demo data set, loaded through the public API."""
