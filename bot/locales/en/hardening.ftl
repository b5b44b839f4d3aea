## Abuse limits (bot/ratelimit.py)

flood-slow-down = You are sending messages faster than the bot can answer. Please wait a minute: what you send meanwhile is ignored.
flood-uploads = You have sent { $limit } files within the hour, the most the bot accepts. Please send the rest a little later: these files were not saved.
