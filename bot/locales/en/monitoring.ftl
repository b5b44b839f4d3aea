## Monitoring: consultants and platform admins

command-overview = Monitoring: municipalities, calls, applications, delivery
command-digest = When to receive the weekly monitoring digest
role-consultant = consultant
mon-title = 📈 <b>Monitoring overview</b>
mon-not-allowed = This is for consultants and platform administrators only. A platform administrator can assign you to municipalities.
mon-place-figures = Subscribers: { $subscribers } · open calls: { $open } of { $total } · budget of open calls: { $budget }
    Applications filed: { $submissions }
mon-delivery = Delivery: { $sent } sent, { $blocked } blocked the bot, { $failed } failed, { $waiting } waiting
mon-no-calls = No published calls yet.
mon-call-deadline = Deadline: { $deadline } ({ $zone } time)
mon-call-budget = Budget: { $budget }
mon-call-submissions = Applications: { $submissions } filed, { $drafts } drafts or withdrawn
mon-xlsx = 📊 XLSX
mon-xlsx-caption = Monitoring figures: municipalities and calls.
mon-digest = 🗓 Weekly digest
mon-digest-current = You receive the digest on { $day } at { $hour } ({ $zone } time).
mon-digest-none = You do not receive the weekly digest.
mon-digest-ask-day = On which day of the week?
mon-digest-ask-hour = { $day }: at what time?
mon-digest-off = 🔕 No digest
mon-digest-set = ✅ The digest will come every { $day } at { $hour } ({ $zone } time).
mon-digest-turned-off = The weekly digest is turned off.
mon-digest-title = 🗓 <b>Weekly digest</b>, { $day }
mon-sheet-municipalities = Municipalities
mon-sheet-calls = Calls
mon-col-municipality = Municipality
mon-col-subscribers = Subscribers
mon-col-calls-open = Open calls
mon-col-calls = Calls
mon-col-budget-open = Budget of open calls (soms)
mon-col-submissions = Applications filed
mon-col-sent = Messages sent
mon-col-blocked = Blocked the bot
mon-col-failed = Failed
mon-col-call = Call no.
mon-col-title = Title
mon-col-status = Status
mon-col-deadline = Deadline (local time)
mon-col-budget = Budget (soms)
mon-col-drafts = Drafts or withdrawn

## The audit trail of a call (/audit)

audit-usage = Send /audit and the call's number, e.g. /audit 12.
audit-not-found = There is no call number { $id } whose audit trail you may see.
audit-title = 🧾 <b>Audit trail</b> · call { $id }: { $title } · { $municipality } (times: { $zone })
audit-empty = No events recorded yet.
audit-system = the bot
audit-actor = user { $number } ({ $roles })
audit-more = ➡️ More

## Selection figures in the overview

mon-place-selection = Admitted: { $admitted } · awards: { $awards }, { $awarded } of a budget of { $budget }
mon-call-selection = Admitted: { $admitted } · awards: { $awards }, { $awarded } of { $budget }
mon-col-admitted = Admitted
mon-col-awards = Awards
mon-col-awarded = Awarded (soms)

## Reports in the overview

mon-reports = Reports: { $due } due, { $overdue } overdue, { $filed } awaiting review, { $accepted } accepted
mon-col-reports-due = Reports due
mon-col-reports-overdue = Reports overdue
mon-col-reports-filed = Reports awaiting review
mon-col-reports-accepted = Reports accepted
