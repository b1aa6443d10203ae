"""The live queue's use cases: items across all channels added, claimed, released, completed,
transferred; leases and presence. The item itself and its SLA rules are in the domain."""
