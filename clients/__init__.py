"""Clients (brukare), their care needs, absences and contact persons."""
