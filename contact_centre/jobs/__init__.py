"""Background jobs: in-process threads by default, RQ on Redis when REDIS_URL is set."""
