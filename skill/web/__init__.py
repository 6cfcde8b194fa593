"""Web-service hosting of the skill: request verification and the WSGI app."""
