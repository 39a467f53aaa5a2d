"""Which vendor serves a resource: the ``backend`` input, and the one rule for reading it (resources and reports).

Every mailfleet resource type (``mailfleet:Mailbox``, ``Tag``, ``Webhook``) serves both vendors: the tenant's
``backend`` becomes an input of each of its resources, and each provider hands the call to that vendor's
implementation (Smartlead in ``resources/mailbox.py`` and friends, Instantly in ``resources/instantly/``).
The input is left out for Smartlead, the default, so the state of every existing Smartlead stack stays
byte-identical; changing it replaces the resource (the preview shows a replace, never an in-place update).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

from mailfleet.instantly.client import DEFAULT_BASE_URL as DEFAULT_INSTANTLY_BASE_URL
from mailfleet.spec.model import DEFAULT_BACKEND, Backend

BACKEND_KEY = "backend"
INSTANTLY: Backend = "instantly"


def backend_of(props: Mapping[str, Any]) -> Backend:
    """The resource's vendor: its ``backend`` input, Smartlead when there is none."""
    return INSTANTLY if props.get(BACKEND_KEY) == INSTANTLY else DEFAULT_BACKEND


VENDOR_NAMES: Mapping[str, str] = {"smartlead": "Smartlead", "instantly": "Instantly"}


def vendor_name(backend: str) -> str:
    """How sentences name a backend's vendor."""
    return VENDOR_NAMES.get(backend, backend)


def is_instantly(props: Mapping[str, Any]) -> bool:
    return backend_of(props) == INSTANTLY


def backend_input(backend: str) -> dict[str, Any]:
    """The ``backend`` input of a resource of this vendor: nothing for the default (less state, unchanged stacks)."""
    return {} if backend == DEFAULT_BACKEND else {BACKEND_KEY: backend}


def workspace_name(workspace: Mapping[str, Any]) -> str:
    """A stable name for an Instantly workspace input (its id and key reference, never a key): how listings,
    reports and bookkeeping tell workspaces apart."""
    reference = workspace.get("key") or {}
    return f"{workspace.get('id') or ''}|{reference.get('secret') or ''}|{reference.get('env') or ''}"


INSTANTLY_BASE_URL_KEY = "instantlyBaseUrl"
INSTANTLY_API_KEY_KEY = "instantlyApiKey"


class WorkspaceKeyError(ValueError):
    """The stack config (or environment) lacks the key an Instantly workspace needs; the message says which."""


def instantly_base_url(get: Callable[[str], Any]) -> str:
    """``mailfleet:instantlyBaseUrl`` from stack config (``get`` takes keys without namespace)."""
    return str(get(INSTANTLY_BASE_URL_KEY) or DEFAULT_INSTANTLY_BASE_URL)


def workspace_api_key(workspace: Mapping[str, Any], get: Callable[[str], Any]) -> str:
    """A workspace's API key: its own reference (``{secret: K}`` is stack config ``mailfleet:K``, ``{env: V}`` the
    environment), else the stack's admin key ``mailfleet:instantlyApiKey``. ``get`` reads stack config by key
    without namespace."""
    reference = workspace.get("key") or {}
    if reference.get("secret"):
        name = str(reference["secret"])
        value = get(name)
        if not value:
            raise WorkspaceKeyError(
                f"missing stack config mailfleet:{name} (the workspace's API key); set it with: "
                f"pulumi config set --secret {name} <KEY>"
            )
        return str(value)
    if reference.get("env"):
        name = str(reference["env"])
        found = os.environ.get(name)
        if not found:
            raise WorkspaceKeyError(f"environment variable {name} (the workspace's API key) is not set")
        return found
    value = get(INSTANTLY_API_KEY_KEY)
    if not value:
        raise WorkspaceKeyError(
            f"missing stack config mailfleet:{INSTANTLY_API_KEY_KEY}; set it with: "
            f"pulumi config set --secret {INSTANTLY_API_KEY_KEY} <KEY>"
        )
    return str(value)


def acting_workspace(workspace: Mapping[str, Any]) -> str | None:
    """The sub-workspace an admin key acts on (``x-as-workspace``); None when the workspace has its own key."""
    if workspace.get("key") or not workspace.get("id"):
        return None
    return str(workspace["id"])
