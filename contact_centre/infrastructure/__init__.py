"""Implementations of the ports and of what the app needs from outside: the database engine, the job
runners (RQ on Redis, or threads in the process), the Socket.IO publisher, file storage."""
