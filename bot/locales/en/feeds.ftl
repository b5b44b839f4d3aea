## The public feed of open calls

feed-title = Open calls for proposals: state social procurement
feed-author = SSP Bot
feed-budget = budget { $budget }
feed-deadline = deadline { $deadline } ({ $zone } time)
