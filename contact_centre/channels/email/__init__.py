"""Email: the city's mailbox over IMAP in, SMTP out."""
