## Reminders (bot/reminders.py, handlers/reminders.py) and calendars (handlers/calendar.py)

reminder-left-days = { $count ->
        [one] { $count } day
       *[other] { $count } days
    }
reminder-left-hours = { $count ->
        [one] { $count } hour
       *[other] { $count } hours
    }
reminder-draft = ⏰ <b>{ $left } left</b> to submit your application to “{ $title }”: the deadline is { $when } ({ $zone }).
reminder-subscriber = ⏰ The call “{ $title }” closes in <b>{ $left }</b> ({ $when }, { $zone }). You have not started an application yet.
reminder-missing = Still missing:
    { $items }
reminder-missing-eligibility = answers to the eligibility questions
reminder-continue = 📝 Continue my application
reminder-open = 📄 Open the call
reminder-mute = 🔕 No more reminders for this call
reminder-muted = 🔕 You will get no more reminders about “{ $title }”.
reminder-mute-refused = This button is not for you or is out of date: nothing was changed.
reminder-rules-invalid = The reminder rules are invalid ({ $field }).
reminder-sheet = ⏰ The call “{ $title }” closed on { $when } ({ $zone }), and your score sheet is not submitted yet. Applications judged: <b>{ $done } of { $total }</b>. Please finish scoring and submit your sheet.
reminder-sheet-open = 📝 Open my score sheet
calendar-button = 📅 Add the deadline to my calendar
calendar-caption = 📅 Open the file to add “{ $title }” to your phone's calendar ({ $when }, { $zone }).
calendar-all-caption = 📅 Your upcoming dates ({ $count }): open the file to add them to your phone's calendar.
calendar-none = You have no upcoming dates: deadlines of calls you apply to, or are subscribed to, appear here.
calendar-event-deadline = Deadline: { $title }
calendar-event-description = Deadline for applications to the call “{ $title }” ({ $municipality }).
calendar-alarm = The deadline for “{ $title }” is in 1 day.
reminder-report-due = ⏰ <b>{ $left } left</b> to file { $report } on “{ $title }”: it is due { $when } ({ $zone }).
reminder-report-overdue = ⚠️ { $report } on “{ $title }” was due { $when } ({ $zone }), { $days ->
        [one] { $days } day
       *[other] { $days } days
    } ago. Please file it as soon as you can.
reminder-report-changes = The municipality asked for changes: revise the report and send it again.
reminder-escalation = ⚠️ <b>Overdue reports</b> on “{ $title }”:
    { $items }
reminder-escalation-line = • { $organization } · { $report } · was due { $when } ({ $days ->
        [one] { $days } day ago
       *[other] { $days } days ago
    })
calendar-event-report = Report due: { $report } — { $title }
calendar-event-report-description = { $report } on the call “{ $title }” ({ $municipality }).
calendar-alarm-report = { $report } on “{ $title }” is due in 1 day.
calendar-report-caption = 📅 Open the file to add the due date of { $report } on “{ $title }” to your phone's calendar ({ $when }, { $zone }).
