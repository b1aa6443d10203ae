"""Job functions that are not a channel's own (the queue sweep); runners are in infrastructure/jobs.py."""
