"""NGO staff's side: the entitlement checker and the handover inbox."""
