"""The process around the bot: Bot API client, clock, logging set-up, leader."""
