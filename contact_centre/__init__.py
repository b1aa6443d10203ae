"""Espace Citoyen: the city's citizen-relations back office."""
