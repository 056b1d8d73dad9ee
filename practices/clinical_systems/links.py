"""From a practice's link to the adapter that talks to its system: the one seam that write-back
and slot import go through, and that tests patch with a fake."""

from practices.clinical_systems.base import ClinicalSystem
from practices.clinical_systems.gpconnect.operations import GPConnectClient
from practices.models import ClinicalSystemLink


def clinical_system_for(link: ClinicalSystemLink) -> ClinicalSystem:
    """The adapter for the link's kind, pointed at the link's base URL. Making one per
    delivery costs nothing: its connections are this process's pooled, kept-alive ones for
    the practice system (`gpconnect.transport`)."""
    if link.kind == ClinicalSystemLink.Kind.GP_CONNECT:
        return GPConnectClient(base_url=link.base_url)
    raise ValueError(f"No adapter for clinical systems of kind {link.kind!r}.")
