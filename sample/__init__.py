"""Synthetic sample data: a register for the region and the people who use the bot."""
