"""The contacts service: the customer record every other service points at."""
