"""The Pulumi program: every tenant file in ``mailfleet:specsDir`` (default ``specs/tenants``) becomes resources."""

from resources.fleet import declare_fleet

declare_fleet()
