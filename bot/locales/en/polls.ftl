## Priority polls

command-poll = Ask residents and NCOs which problems matter most
command-polls = Polls and their results
poll-none = No polls yet. Start one with /poll.
poll-list-title = <b>Polls</b>: choose one to see its results.
poll-state-open = 🟢
poll-state-closed = 🔒
poll-ask-question = <b>New poll for { $municipality }</b>
    Type the question, e.g. "Which problems should the city fund first next year?"
poll-ask-options = Tick the topics to ask about. To add an issue that is not a topic yet, type it as a message. Then press "Next".
poll-new-options = New issues: { $options }
poll-options-done = ➡️ Next
poll-ask-kind = How do people answer?
poll-kind-choose = ☑️ Choose several
poll-kind-rank = 🔢 Rank in order of priority
poll-ask-closes = When does the poll close? Type a date (and time), e.g. 25.12.2026 18:00, in the municipality's time, or choose:
poll-preview = <b>Poll preview</b> · { $municipality }
    { $question }
    How: { $kind }
    { $options }
    Closes: { $closes } ({ $zone } time)
poll-use-buttons = Please use the buttons above.
poll-started = ✅ The poll is on its way to the municipality's subscribers. Results are below; press Refresh to update them.
poll-csv = 📄 CSV
poll-close-now = 🔒 Close now and publish the results
poll-make-topic = ➕ Make "{ $option }" a topic
poll-csv-caption = Results: { $question }
poll-csv-col-position = Place
poll-csv-col-option = Option
poll-csv-col-topic-id = Topic id
poll-csv-col-count = Answers
poll-csv-col-share = Share of participants
poll-csv-col-participants = Participants
poll-csv-col-kind = Kind of poll
poll-topic-created = ✅ "{ $topic }" is now one of the municipality's topics: calls can be published on it and people can subscribe to it.
poll-closed = This poll is closed; answers are no longer accepted.
poll-closed-now = The poll is closed; the results are on their way to the participants.
poll-already-answered = You have already answered this poll. Each person answers once, and the first answer sent counts.
poll-choose-first = Choose at least one option first.
poll-thanks-choose = ✅ Thank you! Your answer has been counted:
    { $choices }
poll-thanks-rank = ✅ Thank you! Your ranking has been counted:
    { $choices }
poll-message-choose = 🗳 <b>{ $municipality } asks</b>
    { $question }
    Tick every problem that matters to you, then press "Send answer". Open until { $closes } ({ $zone } time).
poll-message-rank = 🗳 <b>{ $municipality } asks</b>
    { $question }
    Tap the problems in order of priority, the most important first (tap again to remove), then press "Send answer". Open until { $closes } ({ $zone } time).
poll-send-answer = 📨 Send answer
poll-results-final = 📊 <b>Poll results</b> · { $municipality }
    { $question }
    { $participants ->
        [one] { $participants } participant
       *[other] { $participants } participants
    }
poll-results-live = 📊 <b>Live results</b> · { $municipality }
    { $question }
    { $participants ->
        [one] { $participants } participant so far
       *[other] { $participants } participants so far
    }
poll-result-line-choose = { $position }. { $option }: { $count ->
        [one] { $count } vote
       *[other] { $count } votes
    } ({ $share })
poll-result-line-rank = { $position }. { $option }: { $count ->
        [one] { $count } point
       *[other] { $count } points
    } ({ $share })
poll-status-open = Open until { $closes } ({ $zone } time).
poll-status-closed = Closed; the results were sent to the participants.
poll-invalid-duplicate-option = This issue is already in the poll.
poll-invalid-too-few-options = A poll needs at least { $minimum } options.
poll-invalid-too-many-options = A poll can have at most { $maximum } options.
poll-invalid-kind = Choose how people answer with the buttons.
poll-invalid-topic = A poll may only ask about this municipality's own topics.
poll-invalid-option = This option does not belong to the poll.
poll-topic-exists = This issue is already a topic.
broadcast-kind-poll = The poll
broadcast-kind-poll_results = The poll results
