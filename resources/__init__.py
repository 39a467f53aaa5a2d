"""The Pulumi layer of mailfleet: dynamic providers and components, and nothing else.

- ``connection``  the provider process's settings (from stack config, in ``configure``) and its shared client.
- ``directory``   one paged listing of live accounts shared by every ``read`` in a refresh.
- ``tenant``      the tenant's Smartlead client, and the component that groups a tenant's resources.
- ``mailbox``     an email account with warmup, its sending ramp, tags and removal policy.
- ``fleet``       turns loaded tenant specs into these resources (called by ``__main__.py``).

Provider classes live here, in an installed package, so each resource's pickled provider is a small reference to
the class rather than its bytecode, and it stays byte-identical across runs (no spurious ``__provider`` diffs).
"""
