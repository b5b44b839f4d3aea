## Staff: roles, invitations, the staff home

command-staff = Municipal staff: your calls and tools
command-newcall = Create a call for proposals
command-calls = Your municipality's calls
command-submissions = Applications to your municipality's calls
command-invite = Invite staff or commission members
role-municipal_admin = municipal administrator
role-staff = staff member
role-commission = commission member
staff-not-allowed = This is for municipal staff only. If you work for a mayor's office, ask its administrator for an invitation link.
staff-home = <b>Municipal staff</b>: choose what to do.
staff-calls = 📋 Calls: { $municipality }
staff-new-call = ➕ New call
staff-announce = 📣 Announcement
staff-invite = 👥 Invite
staff-choose-municipality = For which municipality?
staff-no-calls = { $municipality } has no calls yet. Create one with /newcall.
staff-calls-title = <b>{ $municipality }</b>: calls for proposals
staff-call-status = Status: { $status } · version { $version }
staff-continue-draft = ✏️ Continue the draft
staff-move-deadline = ⏰ Move the deadline
staff-share = 🔗 Link and QR code
staff-cancel-call = ❌ Cancel the call
staff-share-text = Link to this call, for a press release or a post: { $link }
    The QR code below opens the same link: print it on a poster.
status-draft = 📝 Draft
status-published = 🟢 Open
status-closed = 🔒 Closed
status-decided = 🏁 Decided
status-cancelled = ❌ Cancelled
invite-invalid = This invitation link is not valid: it was already used or has expired. Ask for a new one.
invite-accepted = Welcome! You are now a { $role } of { $municipality }.
invite-choose-municipality = Invite someone to which municipality?
invite-choose-role = { $municipality }: which role will the new person have?
invite-created = Invitation for a { $role } of { $municipality }. Send this link to that person only; it works once, for 7 days:
    { $link }

## Broadcasts

broadcast-counts = Delivery: { $sent } sent, { $queued } waiting, { $sending } sending, { $failed } failed, { $blocked } blocked the bot (of { $total }).
broadcast-final = ✅ { $kind } delivered: { $sent } sent, { $failed } failed, { $blocked } blocked the bot (of { $total }).
broadcast-kind-call = The call
broadcast-kind-amendment = The amendment
broadcast-kind-cancellation = The cancellation notice
broadcast-kind-announcement = The announcement
broadcast-refresh = 🔄 Refresh
money = { $amount } soms
announcement-message = 📣 <b>{ $municipality }</b>
    { $text }
amendment-deadline = ⏰ <b>{ $title }</b>: the application deadline has moved from { $old } to <b>{ $new }</b> ({ $zone } time).
amendment-cancelled = ❌ <b>{ $title }</b> has been cancelled by the municipality. Reason: { $reason }

## The competition card

card-cancelled = ❌ <b>Cancelled</b>
card-budget = 💰 Budget: { $total }
card-per-project = Up to { $maximum } per project; { $count ->
        [one] { $count } project
       *[other] { $count } projects
    } will be funded.
card-deadline = ⏰ Apply by: <b>{ $when }</b> ({ $zone } time)
card-period = 📅 Implementation: { $start } – { $end }
card-eligibility = <b>Who may apply</b> (each must be “yes”):
card-documents = <b>Documents</b>:
card-criteria = <b>How proposals are scored</b>:
card-reporting-monthly = 🗓 Reports monthly: { $dates }
card-reporting-quarterly = 🗓 Reports quarterly: { $dates }
card-reporting-dates = 🗓 Reports due: { $dates }
card-reporting-final = 🗓 Final report by { $date } ({ $days ->
    [one] { $days } day
   *[other] { $days } days
 } after the project ends)
card-amended = ✏️ Version { $version }: the deadline moved from { $old } to { $new }.

## Templates that follow social-procurement practice

elig-registered_nco = The organization is a non-commercial organization registered in the Kyrgyz Republic
elig-charter_matches = The organization's charter covers work on this topic
elig-no_tax_arrears = The organization has no tax arrears
elig-no_social_fund_arrears = The organization has no arrears to the Social Fund
elig-experience_year = The organization has at least one year of experience in this field
elig-reason-registered_nco = Under the Law on State Social Procurement, only registered non-commercial organizations may apply.
elig-reason-charter_matches = The charter must provide for work on the topic of the call.
elig-reason-no_tax_arrears = Organizations with tax arrears cannot receive social procurement funds.
elig-reason-no_social_fund_arrears = Organizations with Social Fund arrears cannot receive social procurement funds.
elig-reason-experience_year = This call requires at least one year of experience in the field.
elig-reason-custom = This call requires “yes” to this question.
doc-application_form = Application form
doc-project_proposal = Project proposal
doc-budget = Project budget
doc-registration_certificate = State registration certificate
doc-charter = Charter
doc-support_letters = Letters of support
crit-relevance = Relevance to the problem
crit-approach = Approach and activities
crit-capacity = The organization's capacity and experience
crit-budget_quality = Sound and realistic budget
crit-sustainability = Sustainability of results

## The competition wizard

wz-step = Step { $number } of { $total }
wz-ask-title = Title of the call in { $language } ({ $minimum }–{ $maximum } characters):
wz-ask-description = Describe the call in { $language }: the problem, what the municipality expects, for whom ({ $minimum }–{ $maximum } characters).
wz-ask-translations = The call's texts exist in the languages ticked on the card. Add a translation, or continue.
wz-ask-tr_title = Title in { $language }:
wz-ask-tr_description = Description in { $language }:
wz-ask-topic = Which priority issue does the call address?
wz-ask-budget_total = Total budget of the call, in soms (e.g. 400 000):
wz-ask-max_per_project = The most one project may receive, in soms (at most { $total }):
wz-ask-projects_count = How many projects will be funded?
wz-ask-deadline = Application deadline: tap a button, or type a date and time in the municipality's time, e.g. 25.12.2026 18:00 (without a time, 18:00).
wz-ask-period = Implementation period, e.g. 01.02.2027 - 31.12.2027:
wz-ask-eligibility = Who may apply? Tick the conditions; an applicant who answers “no” to one cannot apply, and is told why.
wz-ask-documents = Which documents must applicants attach?
wz-ask-criteria = How will the commission score proposals? Tick criteria; the numbers are weights.
wz-ask-reporting = How often must funded organizations report?
wz-ask-report_dates = Type the report due dates, e.g. 30.06.2027, 31.12.2027:
wz-ask-final_days = And the final report, covering the whole project: how many days after the implementation period ends is it due?
wz-final-days = { $days } days
wz-invalid-final-days = Please send a whole number of days from 0 to { $maximum }.
wz-ask-new-deadline = New application deadline: tap a button, or type a date and time, e.g. 25.12.2026 18:00.
wz-ask-cancel-reason = Why is the call cancelled? Everyone who received it will see this reason.
wz-ask-announcement = Type the announcement for the subscribers of { $municipality } (e.g. an information session for NCOs, with its date and place):
wz-ask-announcement-short = Type the announcement:
wz-type-custom-eligibility = To add your own yes/no condition, type it.
wz-type-custom-documents = To add another document, type its name.
wz-type-custom-criteria = To add your own criterion, type it with a weight, e.g. “Involvement of volunteers: 10”.
wz-or-type = …or type it.
wz-in-days = in { $days } days
wz-add-language = ➕ { $language }
wz-continue = Continue ▶️
wz-done = Done ▶️
wz-reporting-monthly = Monthly
wz-reporting-quarterly = Quarterly
wz-reporting-dates = On given dates
wz-criteria-needed = Choose at least one criterion.
wz-documents-needed = Choose at least one document.
wz-budget-first = Please give the total budget first.
wz-deadline-first = Please set the deadline first.
wz-period-first = Please set the implementation period first.
wz-preview-note = ☝️ This is the card exactly as NCOs will see it in { $language }. The draft is saved.
wz-preview-missing = Still needed before publishing: { $fields }.
wz-publish = 🚀 Publish and send to subscribers
wz-edit = ✏️ { $field }
wz-save-exit = 💾 Save the draft and exit
wz-draft-kept = The draft is saved. Continue it any time from /calls.
wz-cancelled = Cancelled. Nothing was sent.
wz-published = 🚀 Published. The call is being sent to the subscribers.
wz-deadline-moved = The deadline is moved (version { $version }); everyone who received the call is being told.
wz-call-cancelled = The call is cancelled; everyone who received it is being told.
wz-announcement-preview = This is how the announcement will look:
wz-send = 📣 Send
wz-announcement-sent = The announcement is being sent.
wz-field-title = Title
wz-field-description = Description
wz-field-translations = Translations
wz-field-topic = Topic
wz-field-budget_total = Budget
wz-field-max_per_project = Maximum per project
wz-field-projects_count = Number of projects
wz-field-deadline = Deadline
wz-field-deadline_at = Deadline
wz-field-period = Implementation period
wz-field-eligibility = Conditions
wz-field-documents = Documents
wz-field-criteria = Criteria
wz-field-reporting = Reporting

## Refusals in the wizard

invalid-amount = Please type the amount in soms as a number, e.g. 400 000.
invalid-amount-negative = The amount must be more than zero.
invalid-amount-too-large = That is more than { $maximum } soms: please check the number.
invalid-max-above-total = The most per project cannot exceed the total budget ({ $total } soms).
invalid-count = Please type a whole number, e.g. 2.
invalid-count-range = The number of projects must be from 1 to { $maximum }.
invalid-date = Please type a date like 25.12.2026 (day.month.year).
invalid-time = Please type the time like 18:00.
invalid-date-past = That moment has already passed. Please give a date in the future.
invalid-period = Please type two dates, the start and the end, e.g. 01.02.2027 - 31.12.2027.
invalid-period-order = The end of the period must come after its start.
invalid-period-before-deadline = The implementation cannot start before the application deadline.
invalid-report-dates-outside = Report dates must fall within the implementation period.
invalid-criterion = Please type the criterion and its weight from 1 to 100, e.g. “Involvement of volunteers: 10”.
publish-not-draft = This call is already published.
publish-missing = The call cannot be published yet; still needed: { $fields }.
amend-not-published = Only an open call can be amended.
cancel-not-open = This call can no longer be cancelled.
