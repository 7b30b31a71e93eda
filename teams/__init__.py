"""Teams, staff, users and roles, shifts and absences."""
