"""The CRM API gateway: REST API, authentication and composition over the services."""
