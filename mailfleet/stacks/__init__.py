"""Several stacks for one fleet: the mapping of tenants to stacks, fan-out over them, and moving state between them."""
