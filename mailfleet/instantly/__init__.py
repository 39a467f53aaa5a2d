"""Instantly API v2: the client and its half of the mailbox field table."""
