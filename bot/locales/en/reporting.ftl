# Reporting after an award: the NCO's reports, the staff's review, extensions.

rep-invalid-negative = The number cannot be negative.
rep-invalid-whole-number = Please send a whole number, for example 120.
rep-invalid-too-many = That is more than { $maximum }; please check the number.
rep-spent-above-award = That is more than the award leaves after your other reports: at most { $remaining } soms.
rep-already-filed = This report has already been filed and is waiting for the municipality's review.
rep-already-accepted = This report has already been accepted; nothing more can be changed.
rep-not-filed = This report has not been filed (or was sent back), so there is nothing to review.
rep-extension-past = The new due date must be in the future.
rep-extension-not-later = The new due date must be later than the current one.
rep-changed-meanwhile = This report changed meanwhile (perhaps another member of your organization sent it). Please open it again from /reports.

## Names and states

rep-name-periodic = Interim report { $number }
rep-name-final = Final report
rep-state-due = due
rep-state-overdue = overdue
rep-state-filed = filed, waiting for review
rep-state-changes_requested = sent back for changes
rep-state-accepted = accepted

## The NCO: /reports, a report's card, filing

rep-none = You have no reports to file. Reports appear here once your organization receives an award.
rep-list-title = 📑 <b>Your organization's reports</b>
rep-list-line = • { $report } · “{ $title }” · due { $when } · { $state }
rep-card-title = 📑 <b>{ $report }</b> — “{ $title }”
rep-card-period = Period covered: { $start } – { $end }
rep-card-due = Due: { $when } ({ $zone })
rep-card-extended = 🗓 The due date was moved: { $reason }
rep-card-comment = ✏️ The municipality's comment: { $comment }
rep-filed-text = What was done: { $text }
rep-filed-beneficiaries = People reached: { $count }
rep-filed-spent = Money spent: { $amount } soms
rep-file-button = 📝 File the report
rep-revise = 📝 Revise and send again
rep-open = 📑 Open the report
rep-step = Step { $number } of { $total } · { $report }
rep-ask-text = What was done in this period? Describe the activities and their results ({ $minimum }–{ $maximum } characters).
rep-ask-beneficiaries = How many people did the project reach in this period? Send a whole number, for example 120.
rep-ask-spent = How much money was spent in this period, in soms? At most { $remaining } soms of the award are left.
rep-ask-files = Now send the report's documents (PDF, DOCX, XLSX, ODT) and photos (JPG, PNG), up to { $limit } files. To show where the photos were taken, share a location (📎 → Location) after them. Attached so far: { $count }. Tap Done when you have finished.
rep-files-done = ✅ Done
rep-file-accepted = ✅ Received “{ $name }” (file { $count }). Send more, share a location for the photos, or tap Done.
rep-need-file = Please send a document or a photo, share a location, or tap Done.
rep-too-many-files = A report can have at most { $limit } files each time it is sent.
rep-location-saved = 📍 The location is saved with { $count ->
        [one] { $count } photo
       *[other] { $count } photos
    }.
rep-location-needs-photo = Please send the photos first, then share where they were taken.
rep-summary-title = 📋 <b>Please check before sending</b>: { $report } — “{ $title }”
rep-summary-files = Files: documents { $documents }, photos { $photos } (with a location: { $located })
rep-send = 📨 Send the report
rep-filed = 📨 { $report } on “{ $title }” has been sent. The municipality will review it, and you will hear the result here.
rep-paused = The report is put aside and nothing was sent. Open it again from /reports.

## Messages through the outbox

rep-staff-filed = 📨 { $organization } has filed { $report } on “{ $title }” (version { $revision }). Open it to accept it or to ask for changes.
rep-nco-accepted = ✅ The municipality has accepted { $report } on “{ $title }”. Thank you!
rep-nco-changes = ✏️ The municipality asks for changes to { $report } on “{ $title }”:
    { $comment }
    Please revise the report and send it again.
rep-nco-extended = 🗓 { $report } on “{ $title }” is now due { $when } ({ $zone }). Reason: { $reason }

## Staff: the table, a report, the review

rep-table-button = 📑 Reports
rep-table-title = 📑 <b>Reports on “{ $title }”</b>
rep-table-counts = Due: { $due } · Overdue: { $overdue } · Filed: { $filed } · Sent back: { $changes_requested } · Accepted: { $accepted }
rep-table-line = { $mark } { $organization } · { $report } · { $when } · { $state }
rep-table-empty = There are no reports yet.
rep-table-xlsx = 📊 Table as XLSX
rep-xlsx-sheet = Reports
rep-xlsx-organization = Organization
rep-xlsx-report = Report
rep-xlsx-period-start = Period from
rep-xlsx-period-end = Period to
rep-xlsx-due = Due
rep-xlsx-state = State
rep-xlsx-filed = Filed
rep-xlsx-beneficiaries = People reached
rep-xlsx-spent = Money spent (soms)
rep-xlsx-extensions = Extensions
rep-xlsx-caption = 📊 Reports on “{ $title }”.
rep-staff-calls = 📑 Reports: choose a call.
rep-staff-no-calls = No call of your municipality has awards yet, so there are no reports.
rep-staff-title = 📑 <b>{ $organization }</b> · { $report } · “{ $title }”
rep-staff-award = Award: { $amount } soms
rep-staff-extension = 🗓 Extended from { $old } to { $new }: { $reason }
rep-staff-filed-at = Filed { $when } (version { $revision }):
rep-accept = ✅ Accept
rep-request-changes = ✏️ Ask for changes
rep-extend = 🗓 Extend the due date
rep-back-to-table = ⬅️ All reports of the call
rep-file-caption = Version { $revision } · file { $position }
rep-file-location = 📍 Taken at { $latitude }, { $longitude }
rep-accepted-done = ✅ Accepted: { $organization } · { $report }. The organization has been told.
rep-changes-done = ✏️ Sent back to { $organization } ({ $report }) with your comment.
rep-extended-done = 🗓 Extended: { $organization } · { $report }. The organization has been told.
rep-ask-comment = What should the organization change? Your comment is sent to them as you write it.
rep-ask-date = The report is due { $when } ({ $zone }). Send the new due date, for example 15.05.2027: the report is then due at 18:00 that day.
rep-ask-reason = New due date: { $when } ({ $zone }). Why is it extended? The reason is recorded and sent to the organization.
