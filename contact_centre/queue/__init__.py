"""Live queue: items across all channels, atomic claims, leases, presence."""
