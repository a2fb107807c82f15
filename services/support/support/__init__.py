"""The support service: tickets, SLAs, assignment, knowledge base, CSAT."""
