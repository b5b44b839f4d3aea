## The municipality's Telegram channel

command-channel = The municipality's Telegram channel
channel-screen = <b>Telegram channel of { $municipality }</b>
    { $current }

    New calls, their changes and priority polls are also posted to the channel. To connect one: add this bot to the channel as an administrator allowed to post messages, then send the channel's @username or link here, or forward any post from it.
channel-current = Now: { $channel }; posts in { $language }.
channel-current-none = Now: no channel.
channel-remove = 🗑 Disconnect the channel
channel-ask-language = The bot may post in { $channel }. In which language should the posts be written?
channel-saved = ✅ { $channel } is now the channel of { $municipality }. New calls, their changes and priority polls will be posted there in { $language }.
channel-removed = The channel is disconnected: nothing more will be posted to { $channel }.
channel-none = { $municipality } has no channel connected.
channel-cancelled = Nothing was changed.
channel-invalid-reference = Send the channel's @username (5 to 32 letters, digits or _), its t.me link, or forward a post from the channel.
channel-not-found = Telegram does not know this channel, or it is private and the bot is not in it. Check the name, add the bot to the channel as an administrator, and send it again.
channel-not-a-channel = This is not a channel. Send a channel's @username or forward a post from the channel.
channel-bot-not-member = The bot is not in this channel. Add it as an administrator with the right to post messages, then send the channel again.
channel-bot-kicked = The bot was removed from this channel. Add it again as an administrator with the right to post messages, then send the channel again.
channel-bot-not-admin = The bot is not an administrator of this channel. Make it an administrator with the right to post messages, then send the channel again.
channel-bot-cannot-post = The bot is an administrator of this channel but may not post messages. Turn on "Post messages" in its rights, then send the channel again.
channel-user-not-admin = Only the channel's owner or one of its administrators can connect it. If you run this channel, make sure your own account is its administrator, then send the channel again; otherwise ask whoever runs it.
channel-check-failed = Telegram did not answer just now. Please send the channel again in a minute.
channel-open-in-bot = 📋 Open in the bot
poll-answer-in-bot = 🗳 Answer in the bot
poll-started-channel = ✅ The poll is on its way to the municipality's subscribers and to its channel. Results are below; press Refresh to update them.
poll-channel-choose = 🗳 <b>{ $municipality } asks</b>
    { $question }
    { $options }
    Choose the problems that matter most to you: press "Answer in the bot". One answer per person. Open until { $closes } ({ $zone } time).
poll-channel-rank = 🗳 <b>{ $municipality } asks</b>
    { $question }
    { $options }
    Put the problems in order of priority: press "Answer in the bot". One answer per person. Open until { $closes } ({ $zone } time).
channel-lost = ⚠️ <b>The bot can no longer post to { $channel }</b>, the channel of { $municipality }: { $reason }
    New calls, their changes and polls are not posted there now; subscribers still get them from the bot. To post there again, make the bot an administrator of the channel with the right to post messages, then connect it with /channel.
channel-lost-left = the bot was removed from the channel.
channel-lost-kicked = the bot was removed from the channel and banned there.
channel-lost-not-admin = the bot is no longer an administrator of the channel.
channel-lost-cannot-post = the bot no longer has the right to post messages there.
channel-lost-not-found = Telegram no longer finds the channel (it was deleted, or the bot cannot see it).
channel-lost-refused = Telegram refuses the bot's posts there.
channel-current-lost = Now: { $channel }; ⚠️ since { $since } the bot cannot post there: { $reason } Make the bot an administrator with the right to post messages again, then send the channel here.
