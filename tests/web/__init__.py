"""The web service: the Flask app, request verification and the production server."""
