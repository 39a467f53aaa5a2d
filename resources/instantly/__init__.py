"""Instantly's implementation of the mailfleet resources (the providers in ``resources/`` hand calls here when a
resource's ``backend`` is ``instantly``).

- ``directory``  one listing of a workspace's accounts, shared by every ``check`` and ``read`` of a run.
- ``mailbox``    an Instantly account: create with its provider code, patch, warmup through background jobs.
- ``tag``        a workspace's custom tag and the accounts it is assigned to.
- ``webhook``    a workspace webhook for one event.
"""
