"""The job queue: a Huey instance, thin tasks over `framepilot` services, and the worker."""
