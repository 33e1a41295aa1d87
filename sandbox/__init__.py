"""The sandbox: `python bot.py demo` runs the real bot against telegram_stub on loopback, on a
fresh sample database, with a web page to chat as any role and a clock the page can move.

Layout: `demo` (start and stop of the whole), `world` (the sample database and its people),
`personas` (who the page can be), `clock` (the movable clock), `safety` (loopback only, no real
Telegram, never the configured database), `web` (the page's JSON API) and `page/` (static files).
"""
