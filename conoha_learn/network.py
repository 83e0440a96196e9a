"""Neutron (``conn.network``): security groups, ConoHa's firewall presets.

ConoHa's presets: ``default`` (nothing in), ``IPv4v6-SSH`` (port 22), ``IPv4v6-Web`` (80, 443),
``IPv4v6-ICMP`` (ping). A server lists the groups it belongs to by name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .i18n import N_
from .service import Service, choose
from .tables import table

if TYPE_CHECKING:
    import pandas as pd

SECURITY_GROUP_COLUMNS = ["name", "id", "description", "rules"]


class Network(Service):
    service_type = "network"

    def security_group_list(self) -> list[dict]:
        return self._get("/v2.0/security-groups").get("security_groups", [])

    def security_groups(self) -> pd.DataFrame:
        """The project's security groups: name, id, description, number of rules."""
        rows = [{**g, "rules": len(g.get("security_group_rules") or [])}
                for g in self.security_group_list()]
        return table(rows, SECURITY_GROUP_COLUMNS)

    def check_security_groups(self, names: list[str]) -> None:
        """Raise (listing the valid names) unless every name is a security group of the project."""
        groups = self.security_group_list()
        for name in names:
            choose(name, groups, N_("security group"), keys=("name",))
