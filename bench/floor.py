"""The engine floor: the fleet's resources, the same names, parents and inputs, through a provider that calls no API.

What the Pulumi engine, the Python language host and the dynamic-provider process cost on their own; the bench
reports mailfleet's time over this floor. The provider class lives here, importable by the provider process, so its
pickle in state stays a reference to ``bench.floor.FloorProvider``.
"""

from __future__ import annotations

import itertools
import threading
from pathlib import Path
from typing import Any

import pulumi
from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, Resource, ResourceProvider, UpdateResult

from mailfleet.spec import load_tenants
from resources.fleet import mailbox_props
from resources.tenant import Tenant

# The ``__main__.py`` of the engine-floor project copies (``mailfleet.testing.projects.make_project(program=...)``).
FLOOR_PROGRAM = '''"""Engine floor: the same resources as the fleet, through a provider that calls no API."""

from bench.floor import declare_floor

declare_floor()
'''

_ids = itertools.count(1)
_ids_lock = threading.Lock()


def _next_id() -> int:
    with _ids_lock:
        return next(_ids)


# Not inputs the program declares: the computed id and the pickled provider (``__provider``).
IGNORED = frozenset({"ident", "__provider"})


class FloorProvider(ResourceProvider):
    """Stores its inputs as outputs, with a made-up id; never leaves the process."""

    serialize_as_secret_always = False

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return CheckResult(dict(news), [])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        # ``olds`` are the stored outputs: they carry the made-up ``ident`` (the inputs hold None) and the pickled
        # provider, which say nothing about a change. Compare what the program declares, as the fleet's providers do.
        return DiffResult(changes=any(olds.get(key) != value for key, value in news.items() if key not in IGNORED))

    def create(self, props: dict[str, Any]) -> CreateResult:
        number = _next_id()
        return CreateResult(id_=str(number), outs={**props, "ident": number})

    def update(self, id_: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(outs={**news, "ident": int(id_)})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        inputs = {key: value for key, value in props.items() if key != "ident"}
        return ReadResult(id_=id_, outs=props, inputs=inputs)


class FloorResource(Resource, module="bench", name="Floor"):
    ident: pulumi.Output[int]

    # Named like the attributes the fleet program reads from tags and clients.
    @property
    def tag_id(self) -> pulumi.Output[int]:
        return self.ident

    @property
    def client_id(self) -> pulumi.Output[int]:
        return self.ident

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(FloorProvider(), name, {**props, "ident": None}, opts)


def declare_floor() -> None:
    config = pulumi.Config("mailfleet")
    tenants = load_tenants(Path(config.get("specsDir") or "specs/tenants"))
    password = pulumi.Output.secret("floor-password")
    boxes: dict[str, FloorResource] = {}
    for tenant in tenants:
        component = Tenant(tenant.name)
        client = FloorResource(
            f"{tenant.name}-client",
            {"tenant": tenant.name, "name": tenant.smartlead_client.name, "email": tenant.smartlead_client.email},
            pulumi.ResourceOptions(parent=component),
        )
        for mailbox in tenant.mailboxes:
            props = mailbox_props(
                tenant, mailbox, {"client_id": client.client_id, "client_email": tenant.smartlead_client.email}
            )
            props["password"] = password
            boxes[mailbox.email] = FloorResource(
                mailbox.email,
                props,
                pulumi.ResourceOptions(parent=component, additional_secret_outputs=["password"]),
            )
        component.register_outputs({})
    # The same tag resources as the fleet's: one per name, holding its members.
    names = sorted({tag for t in tenants for m in t.mailboxes for tag in m.tags})
    for name in names:
        members = [boxes[m.email].ident for t in tenants for m in t.mailboxes if name in m.tags]
        FloorResource(f"tag:{name}", {"name": name, "members": members})
