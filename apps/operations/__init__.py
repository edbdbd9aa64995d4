"""Running the service: request logs with request ids, the health endpoint, backup and restore."""
