# Shared fixtures for every package's tests: throwaway vhosts, databases and processes.
pytest_plugins = ["crm_testing.plugin"]
